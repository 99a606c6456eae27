import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface UPlotChartProps {
  /** Everything but the size, which follows the container's width. A new object rebuilds the chart. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** Series whose points count in `data-points` (the chart's own count of what it drew; guides excluded). */
  countedSeries: number[];
  /** Called with the data index under the cursor, or null when it leaves the plot. */
  onCursor?: (index: number | null) => void;
  /** Names the chart for screen readers and tests. */
  label: string;
}

/**
 * A uPlot chart in a React tree. After every draw it writes how many points it drew into the
 * container's `data-points`, so a reader (or a test) can tell what is on the canvas.
 */
export function UPlotChart({ options, data, height, countedSeries, onCursor, label }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef({ data, countedSeries, onCursor });
  latest.current = { data, countedSeries, onCursor };

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const countDrawn = (u: uPlot) => {
      let drawn = 0;
      for (const index of latest.current.countedSeries) {
        if (!u.series[index]?.show) continue;
        for (const value of u.data[index] ?? []) if (value !== null && value !== undefined) drawn++;
      }
      element.dataset.points = String(drawn);
    };
    const u = new uPlot(
      {
        ...options,
        width: Math.max(element.clientWidth, 200),
        height,
        hooks: {
          ...options.hooks,
          draw: [...(options.hooks?.draw ?? []), countDrawn],
          setCursor: [...(options.hooks?.setCursor ?? []), (plot) => latest.current.onCursor?.(plot.cursor.idx ?? null)],
        },
      },
      latest.current.data,
      element,
    );
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(element.clientWidth, 200), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return <div className="chart" ref={container} role="img" aria-label={label} data-chart={label} />;
}
