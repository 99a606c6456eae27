import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { RunSummaryFragment } from '../generated/graphql';
import { percent } from '../lib/format';
import { paretoFront } from '../lib/pareto';
import { href } from '../lib/router';
import { strategyOf } from '../lib/strategy';
import { UPlotChart } from './uplot-chart';

interface Point {
  run: RunSummaryFragment;
  strategy: string;
  forgetting: number;
  newAccuracy: number;
}

/** Room around the points, so none sits on the frame. */
function padded(min: number, max: number, least: number): uPlot.Range.MinMax {
  const pad = Math.max(least, (max - min) * 0.08);
  return [min - pad, max + pad];
}

/**
 * New-label accuracy (up) against forgetting (left is better): one point per finished run, one
 * colour per strategy, the Pareto front joined and ringed. Hovering a point names its run; a click
 * opens it.
 */
export function TradeoffChart({ runs, colours }: { runs: RunSummaryFragment[]; colours: Map<string, string> }) {
  const colourOf = (strategy: string) => colours.get(strategy) ?? '#888';
  const [hovered, setHovered] = useState<number | null>(null);
  const points = useMemo(() => {
    const measured: Point[] = [];
    for (const run of runs) {
      const metrics = run.finalMetrics;
      if (run.status !== 'SUCCEEDED' || metrics?.newAccuracy == null || metrics.forgetting == null) continue;
      measured.push({ run, strategy: strategyOf(run), forgetting: metrics.forgetting * 100, newAccuracy: metrics.newAccuracy * 100 });
    }
    // uPlot wants x ascending: each run gets its own index along it.
    return measured.sort((a, b) => a.forgetting - b.forgetting || a.newAccuracy - b.newAccuracy);
  }, [runs]);
  const strategies = useMemo(() => [...new Set(points.map((point) => point.strategy))].sort(), [points]);
  const front = useMemo(() => new Set(paretoFront(points, (p) => p.forgetting, (p) => p.newAccuracy)), [points]);

  const data = useMemo<uPlot.AlignedData>(
    () => [
      points.map((point) => point.forgetting),
      ...strategies.map((strategy) => points.map((point) => (point.strategy === strategy ? point.newAccuracy : null))),
      points.map((point) => (front.has(point) ? point.newAccuracy : null)),
    ],
    [points, strategies, front],
  );

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: {
        x: { time: false, range: (_u, min, max) => padded(min, max, 0.5) },
        y: { range: (_u, min, max) => padded(Math.max(min, 0), Math.min(max, 100), 2) },
      },
      axes: [
        { label: 'forgetting: old-label accuracy lost (points)', values: (_u, ticks) => ticks.map((tick) => `${tick}`) },
        // The padding may reach past 0 or 100; no accuracy lives there, so no tick says it.
        { label: 'new-label accuracy (%)', values: (_u, ticks) => ticks.map((tick) => (tick < 0 || tick > 100 ? '' : `${tick}`)) },
      ],
      series: [
        { label: 'forgetting', value: (_u, value) => (value == null ? '–' : `${value.toFixed(1)}`) },
        ...strategies.map<uPlot.Series>((strategy) => ({
          label: strategy,
          stroke: colourOf(strategy),
          fill: colourOf(strategy),
          paths: () => null,
          points: { show: true, size: 9, width: 1, stroke: colourOf(strategy), fill: colourOf(strategy) },
          value: (_u, value) => (value == null ? '–' : `${value.toFixed(1)}%`),
        })),
        {
          label: 'Pareto front',
          stroke: '#222',
          width: 1.5,
          dash: [6, 4],
          spanGaps: true,
          points: { show: true, size: 17, width: 1.5, stroke: '#222', fill: 'transparent' },
          value: (_u, value) => (value == null ? '–' : 'on the front'),
        },
      ],
      legend: { live: false },
    }),
    // colourOf reads `colours`, which follows the same runs as `strategies`.
    [strategies, colours],
  );

  if (points.length === 0) return <p className="empty">No finished run yet: each succeeded run adds a point here.</p>;
  const point = hovered === null ? null : points[hovered];
  return (
    <figure className="tradeoff" data-front={front.size}>
      <div onClick={() => point && (location.hash = href.run(point.run.id))}>
        <UPlotChart
          label="new-label accuracy against forgetting"
          options={options}
          data={data}
          height={340}
          countedSeries={strategies.map((_strategy, index) => index + 1)}
          onCursor={setHovered}
        />
      </div>
      <figcaption>
        {point ? (
          <>
            <strong style={{ color: colourOf(point.strategy) }}>{point.strategy}</strong> seed {point.run.seed}: new {percent(point.newAccuracy / 100)},
            forgetting {point.forgetting.toFixed(1)} points{front.has(point) ? ', on the Pareto front' : ''}. Click to open the run.
          </>
        ) : (
          <>
            {points.length} finished runs. Up is better, left is better; ringed points are the Pareto front (nothing beats them on both).
          </>
        )}
      </figcaption>
    </figure>
  );
}
