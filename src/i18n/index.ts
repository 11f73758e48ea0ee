export { t, fill, setCatalogue, currentLocale, type Params } from './t.ts';
export { en, type Catalogue, type Message, type MessageKey } from './catalogue.ts';
