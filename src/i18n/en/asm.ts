/**
 * The assembler's diagnostics (src/core/x86/asm): what a user reads beside the editor line when guest assembly
 * has a typo (English source; keys are stable, text is what a translator changes).
 *
 * Placeholders hold code (mnemonics, register names, the user's own tokens) or numbers already formatted the way
 * the assembler prints them (hex addresses, signed decimals), so only the words around them are translated.
 * Quotes around `{name}` mark user text: keep them, the editor shortens long quoted text (diagnostics.ts).
 */
import { registerEnglish } from '../t.ts';

export const asm = {
  // lexer.ts: numbers, strings, characters
  'lexer.floatUnsupported': 'floating-point constant {text} is not supported',
  'lexer.malformedNumber': 'malformed number {text}',
  'lexer.numberTooLarge': 'number {text} is too large (limit 64 bits)',
  'lexer.unterminatedString': 'unterminated string: add the closing {quote}',
  'lexer.unexpectedCharacter': "unexpected character '{char}'",
  'lexer.unexpectedHash': "unexpected character '{char}' (comments start with ;)",

  // parser.ts: %define, labels, constants, directives, prefixes
  'parser.defineNestsTooDeeply': '%define expansion of {name} nests too deeply',
  'parser.defineTooLarge': '%define expansion is too large',
  'parser.defineNeedsName': '%define needs a name',
  'parser.defineNoParameters': 'macros with parameters are not supported (only %define NAME value)',
  'parser.preprocessorUnsupported': "preprocessor directive '%{directive}' is not supported (only %define and %undef)",
  'parser.directiveUnclosed': "expected ']' to close the directive",
  'parser.unexpectedAfterDirective': "unexpected '{token}' after the directive",
  'parser.registerAsLabel': "'{name}' is a register and cannot be a label",
  'parser.constantAfterLabel': 'a constant definition cannot follow a label on the same line',
  'parser.registerAsName': "'{name}' is a register and cannot be used as a name",
  'parser.reservedAsName': "'{name}' is a reserved word and cannot be used as a name",
  'parser.labelDefinedTwice': 'label {name} defined twice (first on line {line})',
  'parser.symbolDefinedTwice': 'symbol {name} defined twice (first on line {line})',
  'parser.equNeedsValue': "'{name}' needs a value after 'equ'",
  'parser.unexpectedAfterValue': "unexpected '{token}' after the value of '{name}'",
  'parser.preprocessorMidLine': "preprocessor directives must start the line ('%define NAME value')",
  'parser.expectedStatement': "expected an instruction or directive, found '{token}'",
  /** `{what}` is parser.afterCount, parser.afterAlignment, parser.afterOrigin or a quoted directive ('bits'). */
  'parser.unexpectedAfter': "unexpected '{token}' after {what}",
  'parser.afterCount': 'the count',
  'parser.afterAlignment': 'the alignment',
  'parser.afterOrigin': 'the origin',
  'parser.needsCount': "'{directive}' needs a count",
  'parser.fillMustBeByte': "'{directive}' fill must be a byte value",
  'parser.timesNested': "'times' cannot be nested or used here",
  'parser.timesNeedsCount': "'times' needs a count and an instruction, as in 'times 4 nop'",
  'parser.timesNeedsBody': "'times' needs something to repeat after the count",
  'parser.timesCannotRepeat': "'times' cannot repeat '{what}'",
  'parser.alignNeedsBoundary': "'{directive}' needs a boundary, as in 'align 16'",
  'parser.bitsInvalid': "'bits' must be 16 or 32",
  'parser.bits64': "'bits' must be 16 or 32 (64-bit code is not supported: VT Lab runs IA-32 guests)",
  'parser.orgNeedsAddress': "'org' needs an address, as in 'org 0x7c00'",
  'parser.orgTwice': "only one 'org' is allowed in a flat binary (first on line {line})",
  'parser.equNeedsNameValue': "'{directive}' needs 'NAME, value'",
  'parser.externUnsupported': "'extern' is not supported: a flat binary has no linker to resolve it",
  'parser.incbinUnsupported': "'incbin' is not supported: lab files cannot read other files",
  'parser.equNeedsName': "'equ' needs a name before it, as in 'SIZE equ 16'",
  'parser.prefixNeedsInstruction': "'{prefix}' must be followed by an instruction",
  'parser.expectedInstructionAfter': "expected an instruction after '{previous}', found '{token}'",
  'parser.registerNotInstruction': "expected an instruction, found the register '{name}'",
  'parser.directiveNoPrefix': "'{name}' cannot take a prefix",
  'parser.directiveNotHere': "'{name}' cannot be used here",
  'parser.unknownInstruction': 'unknown instruction {name}',
  'parser.unknownInstructionDidYouMean': "unknown instruction {name} (did you mean '{guess}'?)",
  'parser.unknownInstructionLabel': "unknown instruction {name} (if it is a label, add a colon: '{label}:')",
  'parser.unexpectedAfterOperand': "unexpected '{token}' after operand {n} (operands are separated by commas)",
  'parser.expectedOperandAfterComma': 'expected an operand after the comma',
  'parser.dataNeedsValue': "'{directive}' needs at least one value",
  'parser.unexpectedInData': "unexpected '{token}' in data (values are separated by commas)",
  'parser.expectedValueAfterComma': 'expected a value after the comma',

  // operands.ts: size and distance keywords, segment overrides, brackets
  'operand.expected': 'expected an operand',
  'operand.twoSizes': "operand has two sizes ('{first}' and '{second}')",
  'operand.distanceConflict': "'{first}' and '{second}' contradict each other",
  'operand.ptrWithoutSize': "'ptr' must follow a size, as in 'dword ptr [eax]'",
  'operand.expectedAfterKeyword': 'expected an operand after the size or distance keyword',
  'operand.notSegmentRegister': "'{name}' is not a segment register, so it cannot be followed by ':'",
  'operand.expectedAddressAfterSegment': "expected an address after '{segment}:'",
  'operand.twoSegmentOverrides': 'two segment overrides in one operand',
  'operand.segmentOverrideFirst': 'a segment override must come first',
  'operand.sizeRegisterMismatch': "'{size}' does not match the {bits}-bit register '{name}'",
  'operand.distanceWithRegister': "'{distance}' cannot be used with a register",
  'operand.segmentRegisterSize': "a segment register is pushed or popped as a 'word' or a 'dword', not a '{size}'",
  'operand.registerNeedsBrackets': "a register in an expression must be inside brackets: write '[{expression}]'",
  'operand.segmentOverrideFirstExample': "write the segment override first, as in 'es:table[edi]'",
  'operand.sizeBeforeBrackets': "write the size before the brackets, as in '{size} [...]'",
  'operand.emptyMemory': 'empty memory reference []',
  'operand.unclosedBracket': "expected ']' to close the '[' at column {column}",
  'operand.expectedBracketOrOperator': "expected ']' or an operator, found '{token}'",

  // expr.ts: expressions and address arithmetic
  'expr.tooLong': 'expression is too long (limit {limit} operators deep)',
  'expr.tooDeep': 'expression is nested too deeply (limit {limit})',
  'expr.expected': 'expected an expression',
  'expr.expectedFound': "expected an expression, found '{token}'",
  'expr.expectedCloseParen': "expected ')'",
  'expr.charConstantTooLong': 'character constant {text} is longer than 8 bytes',
  'expr.registerOutsideBrackets': "register '{name}' cannot be used in an expression here (only inside [ ] as an address)",
  'expr.registerInExpression': "register '{name}' cannot be used in an expression here",
  'expr.unexpectedKeyword': "unexpected '{token}' in an expression",
  'expr.divisionByZero': 'division by zero',
  'expr.operatorOnRegister': "'{operator}' cannot be applied to a register in an address",
  'expr.registerSubtracted': "register '{name}' cannot be subtracted in an address",
  'expr.registerTimesRegister': 'a register can only be multiplied by a constant',

  // ea.ts: base, index, scale (SDM Vol. 2A §2.1.5, Tables 2-1 to 2-3)
  'address.notAddressRegister': "'{name}' cannot be used in an address (use a 16- or 32-bit general register)",
  'address.mixedSizes': 'an address cannot mix 16-bit and 32-bit registers',
  'address.tooManyRegisters': 'an address has at most two registers (a base and an index)',
  'address.badScale': 'scale {scale} is not encodable: use 1, 2, 4 or 8',
  'address.twoScaled': 'only one register in an address can be scaled',
  'address.espIndex': "'esp' cannot be an index register (it can only be the base)",
  'address.scale16': '16-bit addresses cannot scale a register (use 32-bit registers for [reg*scale])',
  'address.bad16Register': "'{name}' cannot be used here: a 16-bit address is [bx or bp] + [si or di] + displacement",

  // encoder.ts: form matching and encoding
  'encoder.addressSizeConflict': "'a{size}' contradicts the {bits}-bit registers in this address",
  'encoder.ambiguousMemory': 'operand size is ambiguous: write {choices}',
  'encoder.ambiguousImmediate': 'operand size is ambiguous: write {choices} before the operand',
  /** Two choices in encoder.ambiguous*: each is a quoted piece of code ('dword [ebx]'). */
  'encoder.either': '{first} or {second}',
  'encoder.shiftNotOne': 'not 1',
  'encoder.xchgSelf': 'xchg with itself uses 87 /r',
  'encoder.movCs': "'mov' cannot load cs (that is #UD); change cs with a far jmp, call or ret",
  'encoder.internalPlusR': 'internal: +r form without register',
  'encoder.internalModRm': 'internal: ModRM form without r/m operand',
  'encoder.offsetTooWide': 'address offset {value} does not fit in {bits} bits',
  'encoder.offsetTooWideA32': "address offset {value} does not fit in {bits} bits (write 'a32' before the instruction for a 32-bit address)",
  'encoder.moffsTooWide': 'address {value} does not fit in {bits} bits',
  'encoder.moffsTooWideA32': "address {value} does not fit in {bits} bits (write 'a32' before the instruction for a 32-bit address)",
  'encoder.farOffsetTooWide': 'offset {value} does not fit in {bits} bits',
  'encoder.selectorTooWide': 'segment selector {value} does not fit in 16 bits',
  'encoder.jumpOutside4G': 'jump target {value} is outside the 4 GiB address space',
  'encoder.shortJumpOutOfRange': 'jump target out of range: it is {distance} bytes away and a short jump reaches -128..+127',
  'encoder.loopOutOfRange': "jump target out of range: it is {distance} bytes away and '{mnemonic}' reaches -128..+127",
  'encoder.jumpBeyond64K': 'target {value} is beyond 64 KiB, out of reach of a 16-bit jump',
  'encoder.imm8Signed': 'immediate {value} does not fit in 8 bits',
  'encoder.imm8Unsigned': 'immediate {value} does not fit in 8 bits (0 to 255)',
  'encoder.immTooWide': 'immediate {value} does not fit in {bits} bits',
  'encoder.tooLong': 'instruction would be {length} bytes; the limit is 15 (too many prefixes)',
  'encoder.noOperands': "'{mnemonic}' takes no operands",
  'encoder.needsOperands': { one: "'{mnemonic}' needs {count} operand, got {got}", other: "'{mnemonic}' needs {count} operands, got {got}" },
  /** `{counts}` is a comma-separated list of numbers ("0, 1"). */
  'encoder.takesOperands': "'{mnemonic}' takes {counts} or {last} operands, got {got}",
  'encoder.memoryToMemory': "'{mnemonic}' has no form '{instruction}': memory-to-memory is not encodable",
  'encoder.farNeedsPointer': "a far jump or call needs 'selector:offset' (as in 'jmp 0x08:target') or a pointer in memory ('jmp far [ptr]')",
  'encoder.distanceOnlyBranches': "'{distance}' only applies to jmp, call and conditional jumps",
  'encoder.sizeMismatch': "operand size mismatch: '{instruction}' needs both operands the same size",
  'encoder.popCs': "there is no 'pop cs': cs changes only through a far jmp, call, ret or iret",
  'encoder.segmentImmediate': "a segment register cannot be loaded with an immediate: load a register first ('mov ax, {value}' then 'mov {segment}, ax')",
  'encoder.specialRegisterMove': "'{name}' can only be moved to or from a 32-bit general register (e.g. 'mov eax, {name}')",
  'encoder.operandSizeConflict': "'o{size}' contradicts the operand size of '{instruction}'",
  /** `{forms}` is encoding-table notation ("r/m32, imm8; r32, r/m32"), not prose. */
  'encoder.noSuchForm': "'{mnemonic}' has no form '{instruction}'; valid forms: {forms}",

  // strings.ts: string instructions with explicit operands
  'string.needsOperands': "'{mnemonic}' needs the operands '{mnemonic} {operands}' (or use the sized form, e.g. '{sized}')",
  'string.portIsDx': "the port of '{mnemonic}' is always dx",
  'string.needsMemory': "'{mnemonic}' takes memory operands here, as in '{mnemonic} byte [{register}]'",
  'string.fixedRegister': "this operand of '{mnemonic}' must be [{register}] (or [{register16}] for 16-bit addressing)",
  'string.mixedAddressSizes': "the operands of '{mnemonic}' mix 16-bit and 32-bit addresses",
  'string.xlatByte': "'xlat' reads a byte",
  'string.notASize': "'{size}' is not a size for '{mnemonic}'",
  'string.fixedDestination': "the destination of '{mnemonic}' is always es:[{register}]; its segment cannot be overridden",
  'string.ambiguous': "operand size is ambiguous: write 'dword {operand}' or 'byte {operand}'",

  // data.ts: db/dw ranges
  'data.valueNotByte': 'value {value} does not fit in a byte (db)',
  'data.valueNotWord': 'value {value} does not fit in a word (dw)',

  // layout.ts: symbols, org, align, times
  'layout.circularSymbol': 'symbol {name} has no value: its definition on line {line} cannot be evaluated',
  'layout.undefinedSymbol': 'undefined symbol {name}',
  'layout.unsettled': 'the layout did not settle after {passes} passes (a size or address depends on itself)',
  'layout.orgUnknown': "'org' must be a value known before the code is laid out",
  'layout.originOutside': 'origin {value} is outside the 32-bit address space',
  'layout.outputTooLarge': 'output would exceed 16 MiB',
  'layout.past4G': 'code would extend past the 4 GiB end of the address space',
  'layout.alignNotPowerOfTwo': 'alignment {value} must be a power of two',
  'layout.fillNotByte': 'fill value {value} does not fit in a byte',
  'layout.countNegative': 'count {value} is negative',
  'layout.timesCountNegative': 'times count {value} is negative',
  'layout.timesLengthChanges': 'this instruction changes length between repetitions ({first} vs {now} bytes); split the times',

  // registers.ts: names that parse but cannot be encoded in IA-32
  'register.cr8': "'cr8' exists only in 64-bit mode (IA-32 has no encoding for it; use the TPR in the local APIC)",
  'register.crReserved': "'{name}' is reserved: the control registers are cr0, cr2, cr3 and cr4",
  'register.is64Bit': "'{name}' is a 64-bit register; VT Lab runs IA-32 code",
  'register.isSimd': "'{name}' is a SIMD register; SSE/AVX/MMX instructions are not supported",
  'register.isX87': "'{name}' is an x87 register; floating-point instructions are not supported",
  'register.only64Bit': "'{name}' exists only in 64-bit mode",
  'register.testRegister': "'{name}' (test registers) does not exist on processors with VMX",

  // index.ts: the last resort
  'assembler.tooLarge': 'the program is too large or too deeply nested to assemble',
  'assembler.internalError': 'internal assembler error: {detail}',
} as const;

// Loaded with the assembler (the worker, the CLI), not with the first view (catalogue.ts, `English`).
registerEnglish('asm', asm);
