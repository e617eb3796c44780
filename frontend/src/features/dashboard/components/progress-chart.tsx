// The progress chart, a lazy chunk of its own: recharts stays out of the first page's JavaScript.
import { useNavigate } from 'react-router';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { formatNumber } from '@/lib/format';

export type ProgressBand = { key: string; label: string; count: number; to: string };

// Later bands read as "further along": one hue, rising strength, so it works in light and dark.
const BAND_OPACITY = [0.35, 0.5, 0.65, 0.8, 1];

export default function ProgressChart({ bands }: { bands: ProgressBand[] }) {
  const navigate = useNavigate();
  return (
    <div className="h-40 w-full" aria-hidden>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 160 }}>
        {/* No accessibility layer: the chart is hidden from assistive technology (the links below carry the
            numbers), and its focusable surface inside aria-hidden was a stop no screen reader could name. */}
        <BarChart data={bands} margin={{ top: 4, right: 4, bottom: 0, left: -24 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="var(--color-line)" />
          <XAxis dataKey="label" tickLine={false} axisLine={false} tick={{ fill: 'var(--color-fg-muted)', fontSize: 11 }} />
          <YAxis allowDecimals={false} tickLine={false} axisLine={false} tick={{ fill: 'var(--color-fg-muted)', fontSize: 11 }} />
          <Tooltip
            cursor={{ fill: 'var(--color-subtle)' }}
            formatter={(value) => [formatNumber(Number(value)), 'Projects']}
            contentStyle={{ background: 'var(--color-surface-raised)', border: '1px solid var(--color-line)', borderRadius: 6, fontSize: 12 }}
            labelStyle={{ color: 'var(--color-fg)' }}
            itemStyle={{ color: 'var(--color-fg)' }}
          />
          <Bar dataKey="count" radius={[3, 3, 0, 0]} isAnimationActive={false} className="cursor-pointer" onClick={(_, index) => {
              const band = bands[index];
              if (band) void navigate(band.to);
            }}
          >
            {bands.map((band, i) => (
              <Cell key={band.key} fill="var(--color-accent)" fillOpacity={BAND_OPACITY[i] ?? 1} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
