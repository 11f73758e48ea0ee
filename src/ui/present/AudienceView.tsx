/** The audience window's extras: it follows the presenter, and a blanked screen is black with nothing on it. */
import { useEffect } from 'react';
import { useApp } from '../../state/store.ts';
import { startAudience } from './channel.ts';
import './present.css';

export function AudienceFollower() {
  useEffect(() => startAudience(), []);
  const blank = useApp((s) => s.blank);
  if (!blank) return null;
  return (
    <div className="audience-blank" role="status" aria-label="The presenter has blanked this screen">
      <span className="visually-hidden">The presenter has blanked this screen.</span>
    </div>
  );
}
