import { settingValue } from '../lib/format';
import type { SettingValue } from '../lib/settings';

/** Settings (or versions), one per row, in name order. */
export function SettingsTable({ settings }: { settings: Record<string, SettingValue> }) {
  const names = Object.keys(settings).sort();
  if (names.length === 0) return <p className="empty">No settings recorded.</p>;
  return (
    <table className="settings">
      <tbody>
        {names.map((name) => (
          <tr key={name}>
            <th>{name}</th>
            <td>{settingValue(settings[name])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
