import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DriftMonitor } from '../../agent/daemon/drift-monitor.js';
import { AgentEvents } from '../../agent/model/events.js';

const quiet = pino({ level: 'silent' });
const settings = { window: 20, minReceipts: 5, alarmBelow: 0.8 };

function monitor() {
  const events = new AgentEvents();
  const changes: { layout: string; alarm: boolean }[] = [];
  events.on('drift.changed', (e) => changes.push({ layout: e.layout, alarm: e.alarm }));
  return { events, changes, drift: new DriftMonitor(settings, events, quiet) };
}

describe('drift monitor', () => {
  it('raises the alarm for a layout new to the link (the profile no longer matches) once minReceipts fail, and tells the backend', () => {
    const { events, changes, drift } = monitor();
    for (let i = 0; i < 30; i++) events.emit('basket.extracted', { link: 'till1', layout: 'greenway@2', confidence: 1, reconciled: true });
    for (let i = 0; i < 4; i++) drift.record('till1', 'generic', false);
    expect(drift.notices()).toEqual([]);
    drift.record('till1', 'generic', false, new Date('2026-12-01T10:00:00Z'));
    expect(drift.notices()).toEqual([{ link: 'till1', layout: 'generic', reconciledShare: 0, since: '2026-12-01T10:00:00.000Z' }]);
    expect(changes).toEqual([{ layout: 'generic', alarm: true }]);
    expect(drift.state().map((d) => [d.layout, d.alarm])).toEqual([['generic', true], ['greenway@2', false]]);
  });

  it('keeps links apart, clears when receipts reconcile again, and restarts tallies when the window changes', () => {
    const { changes, drift } = monitor();
    for (let i = 0; i < 5; i++) drift.record('a', 'generic', false);
    for (let i = 0; i < 5; i++) drift.record('b', 'generic', true);
    expect(drift.notices().map((n) => n.link)).toEqual(['a']);
    for (let i = 0; i < 20; i++) drift.record('a', 'generic', true);
    expect(drift.notices()).toEqual([]);
    expect(changes).toEqual([{ layout: 'generic', alarm: true }, { layout: 'generic', alarm: false }]);
    drift.configure({ ...settings, window: 10 });
    expect(drift.state().every((d) => d.receipts === 0)).toBe(true);
  });
});
