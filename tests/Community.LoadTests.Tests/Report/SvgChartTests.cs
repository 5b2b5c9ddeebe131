using System.Xml.Linq;
using Community.LoadTests.Report;

namespace Community.LoadTests.Tests.Report;

public class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_chart_is_well_formed_svg_with_two_lines_per_system_and_a_legend_entry_each()
    {
        var series = new[]
        {
            new ChartSeries("signalr", [new(100, 20_000, 5, true), new(200, 40_000, 8, true), new(400, 60_000, 900, false)]),
            new ChartSeries("socketio <&>", [new(100, 20_000, 9, true), new(200, 35_000, 400, false)]),
        };

        var document = XDocument.Parse(SvgChart.Render("Live room", series, 250));

        Assert.Equal(Svg + "svg", document.Root!.Name);
        Assert.Equal(4, document.Descendants(Svg + "polyline").Count());
        var texts = document.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("signalr", texts);
        Assert.Contains("socketio <&>", texts);
        Assert.Contains("bound 250 ms", texts);
    }

    [Fact]
    public void A_step_that_was_not_sustained_is_drawn_hollow()
    {
        var series = new[] { new ChartSeries("x", [new(100, 1000, 5, true), new(200, 1500, 900, false)]) };

        var circles = XDocument.Parse(SvgChart.Render("t", series, 250)).Descendants(Svg + "circle")
            .Select(c => (string?)c.Attribute("fill")).ToList();

        Assert.Contains("white", circles);
    }

    [Theory]
    [InlineData(0.3, 0.5)]
    [InlineData(7, 10)]
    [InlineData(120, 200)]
    [InlineData(200, 200)]
    [InlineData(4100, 5000)]
    public void Tick_steps_are_one_two_or_five_times_a_power_of_ten(double value, double expected)
    {
        Assert.Equal(expected, SvgChart.NiceCeiling(value), 6);
    }

    [Theory]
    [InlineData(2884, 3000)]
    [InlineData(422_467, 500_000)]
    [InlineData(1100, 1200)]
    [InlineData(60, 60)]
    public void Axes_end_at_a_round_number_just_above_the_largest_value(double value, double expected)
    {
        Assert.Equal(expected, SvgChart.AxisEnd(value), 6);
    }
}
