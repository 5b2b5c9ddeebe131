using System.Globalization;
using System.Net;
using System.Text;

namespace Community.LoadTests.Report;

/// <summary>One system's curve: each step's offered rate with its deliveries per second and p99 latency.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

public sealed record ChartPoint(double OfferedRate, double DeliveriesPerSecond, double P99Ms, bool Sustained);

/// <summary>
/// A hand-written SVG of a step run: left, deliveries per second against offered rate; right, p99 latency (log scale)
/// against offered rate with the bound as a dashed line. One line per system; a filled dot is a sustained step, a
/// hollow one a step that was not. No dependencies, so it renders anywhere an SVG does (browsers, GitHub).
/// </summary>
public static class SvgChart
{
    private const int PanelWidth = 460;
    private const int PanelHeight = 300;
    private const int Left = 70;
    private const int Top = 56;
    private const int Gap = 90;
    private const int Bottom = 50;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    public static string Render(string title, IReadOnlyList<ChartSeries> series, double p99BoundMs, string rateUnit = "writes/s")
    {
        var points = series.SelectMany(s => s.Points).ToList();
        var maxRate = AxisEnd(points.Select(p => p.OfferedRate).DefaultIfEmpty(1).Max());
        var maxDelivered = AxisEnd(points.Select(p => p.DeliveriesPerSecond).DefaultIfEmpty(1).Max());
        var maxP99 = Math.Pow(10, Math.Ceiling(Math.Log10(Math.Max(p99BoundMs * 4, points.Select(p => p.P99Ms).DefaultIfEmpty(1).Max()))));
        const double minP99 = 0.1;

        var width = Left + PanelWidth + Gap + PanelWidth + 30;
        var height = Top + PanelHeight + Bottom + 20 + (20 * series.Count);
        var svg = new StringBuilder();
        svg.Append(Invariant($"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"""));
        svg.Append(Invariant($"""<rect width="{width}" height="{height}" fill="white"/>"""));
        svg.Append(Invariant($"""<text x="{width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{Escape(title)}</text>"""));

        var left = new Panel(Left, Top, x => x / maxRate, y => y / maxDelivered);
        var right = new Panel(Left + PanelWidth + Gap, Top, x => x / maxRate, y => (Math.Log10(Math.Max(y, minP99)) - Math.Log10(minP99)) / (Math.Log10(maxP99) - Math.Log10(minP99)));

        left.Frame(svg, $"offered rate ({rateUnit})", "delivered messages/s", "throughput");
        right.Frame(svg, $"offered rate ({rateUnit})", "p99 end-to-end latency (ms, log)", "p99 latency");
        foreach (var tick in Ticks(maxRate))
        {
            left.XTick(svg, tick);
            right.XTick(svg, tick);
        }

        foreach (var tick in Ticks(maxDelivered))
        {
            left.YTick(svg, tick);
        }

        for (var decade = minP99; decade <= maxP99 * 1.001; decade *= 10)
        {
            right.YTick(svg, decade);
        }

        var boundY = right.Y(p99BoundMs);
        svg.Append(Invariant($"""<line x1="{right.X0}" y1="{boundY:0.#}" x2="{right.X0 + PanelWidth}" y2="{boundY:0.#}" stroke="#888" stroke-dasharray="6,4"/>"""));
        svg.Append(Invariant($"""<text x="{right.X0 + PanelWidth - 4}" y="{boundY - 4:0.#}" text-anchor="end" fill="#555">bound {p99BoundMs:0.#} ms</text>"""));

        for (var i = 0; i < series.Count; i++)
        {
            var color = Palette[i % Palette.Length];
            var ordered = series[i].Points.OrderBy(p => p.OfferedRate).ToList();
            left.Line(svg, ordered.Select(p => (p.OfferedRate, p.DeliveriesPerSecond, p.Sustained)), color);
            right.Line(svg, ordered.Select(p => (p.OfferedRate, p.P99Ms, p.Sustained)), color);
            var legendY = Top + PanelHeight + Bottom + 10 + (20 * i);
            svg.Append(Invariant($"""<line x1="{Left}" y1="{legendY}" x2="{Left + 30}" y2="{legendY}" stroke="{color}" stroke-width="2"/>"""));
            svg.Append(Invariant($"""<circle cx="{Left + 15}" cy="{legendY}" r="3.5" fill="{color}"/>"""));
            svg.Append(Invariant($"""<text x="{Left + 40}" y="{legendY + 4}">{Escape(series[i].Name)}</text>"""));
        }

        var noteY = Top + PanelHeight + Bottom + 14;
        svg.Append(Invariant($"""<text x="{Left + PanelWidth + Gap}" y="{noteY}" fill="#555">filled dot: step sustained; hollow: not (p99 over the bound, loss or errors)</text>"""));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>1, 2 or 5 times a power of ten, at or above <paramref name="value"/>: a tick step.</summary>
    public static double NiceCeiling(double value) => Ceiling(value, [1, 2, 5, 10]);

    /// <summary>Where an axis ends: a round number at or above <paramref name="value"/>, without wasting half the panel.</summary>
    public static double AxisEnd(double value) => Ceiling(value, [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]);

    private static double Ceiling(double value, double[] multiples)
    {
        if (value <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var m in multiples)
        {
            if (m * power >= value * 0.9999)
            {
                return m * power;
            }
        }

        return 10 * power;
    }

    private static IEnumerable<double> Ticks(double max)
    {
        var step = NiceCeiling(max / 6);
        for (var v = 0.0; v <= max * 1.0001; v += step)
        {
            yield return v;
        }
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Label(double value) => value switch
    {
        >= 1_000_000 => Invariant($"{value / 1_000_000:0.#}M"),
        >= 1_000 => Invariant($"{value / 1_000:0.#}k"),
        >= 1 => Invariant($"{value:0.#}"),
        _ => Invariant($"{value:0.##}"),
    };

    private sealed class Panel(int x0, int y0, Func<double, double> scaleX, Func<double, double> scaleY)
    {
        public int X0 { get; } = x0;

        public double X(double value) => X0 + (Math.Clamp(scaleX(value), 0, 1) * PanelWidth);

        public double Y(double value) => y0 + PanelHeight - (Math.Clamp(scaleY(value), 0, 1) * PanelHeight);

        public void Frame(StringBuilder svg, string xLabel, string yLabel, string title)
        {
            svg.Append(Invariant($"""<rect x="{X0}" y="{y0}" width="{PanelWidth}" height="{PanelHeight}" fill="none" stroke="#333"/>"""));
            svg.Append(Invariant($"""<text x="{X0 + (PanelWidth / 2)}" y="{y0 - 8}" text-anchor="middle" font-weight="bold">{Escape(title)}</text>"""));
            svg.Append(Invariant($"""<text x="{X0 + (PanelWidth / 2)}" y="{y0 + PanelHeight + 38}" text-anchor="middle">{Escape(xLabel)}</text>"""));
            var cy = y0 + (PanelHeight / 2);
            svg.Append(Invariant($"""<text x="{X0 - 52}" y="{cy}" text-anchor="middle" transform="rotate(-90 {X0 - 52} {cy})">{Escape(yLabel)}</text>"""));
        }

        public void XTick(StringBuilder svg, double value)
        {
            var x = X(value);
            svg.Append(Invariant($"""<line x1="{x:0.#}" y1="{y0}" x2="{x:0.#}" y2="{y0 + PanelHeight}" stroke="#eee"/>"""));
            svg.Append(Invariant($"""<text x="{x:0.#}" y="{y0 + PanelHeight + 16}" text-anchor="middle">{Label(value)}</text>"""));
        }

        public void YTick(StringBuilder svg, double value)
        {
            var y = Y(value);
            svg.Append(Invariant($"""<line x1="{X0}" y1="{y:0.#}" x2="{X0 + PanelWidth}" y2="{y:0.#}" stroke="#eee"/>"""));
            svg.Append(Invariant($"""<text x="{X0 - 6}" y="{y + 4:0.#}" text-anchor="end">{Label(value)}</text>"""));
        }

        public void Line(StringBuilder svg, IEnumerable<(double X, double Y, bool Filled)> points, string color)
        {
            var list = points.ToList();
            if (list.Count > 1)
            {
                var path = string.Join(" ", list.Select(p => Invariant($"{X(p.X):0.#},{Y(p.Y):0.#}")));
                svg.Append(Invariant($"""<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>"""));
            }

            foreach (var p in list)
            {
                svg.Append(Invariant($"""<circle cx="{X(p.X):0.#}" cy="{Y(p.Y):0.#}" r="3.5" fill="{(p.Filled ? color : "white")}" stroke="{color}" stroke-width="1.5"/>"""));
            }
        }
    }
}
