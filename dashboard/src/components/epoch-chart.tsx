import { useMemo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from './uplot-chart';

/** One run's line: epoch number to the metric (a share, 0..1; null where it does not apply). */
export interface EpochLine {
  id: string;
  label: string;
  colour: string;
  values: Map<number, number | null>;
}

/** A metric per epoch, one line per run; it redraws as epochs arrive. */
export function EpochChart({ title, lines }: { title: string; lines: EpochLine[] }) {
  const data = useMemo<uPlot.AlignedData>(() => {
    const epochs = [...new Set(lines.flatMap((line) => [...line.values.keys()]))].sort((a, b) => a - b);
    return [epochs, ...lines.map((line) => epochs.map((epoch) => toPercent(line.values.get(epoch))))];
  }, [lines]);

  const signature = lines.map((line) => `${line.id}:${line.label}:${line.colour}`).join('|');
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: { x: { time: false }, y: { range: [0, 100] } },
      // Epochs are whole numbers: no tick between them.
      axes: [{ label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, { label: `${title} (%)` }],
      series: [
        { label: 'epoch' },
        ...lines.map<uPlot.Series>((line) => ({
          label: line.label,
          stroke: line.colour,
          width: 2,
          points: { show: true, size: 5, fill: line.colour },
          value: (_u, value) => (value == null ? '–' : `${value.toFixed(1)}%`),
        })),
      ],
    }),
    // The lines' identities, not their growing values, shape the chart: new epochs only redraw it.
    [signature, title],
  );

  const epochCount = (data[0] as number[]).length;
  return (
    <section className="panel epoch-chart" data-metric={title}>
      <h3>{title}</h3>
      {epochCount === 0 ? (
        <p className="empty">No epochs yet.</p>
      ) : (
        <UPlotChart label={title} options={options} data={data} height={260} countedSeries={lines.map((_line, index) => index + 1)} />
      )}
    </section>
  );
}

function toPercent(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : value * 100;
}
