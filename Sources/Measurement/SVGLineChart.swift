import Foundation

/// A standalone SVG line chart: axes with round-number ticks, one coloured line per series,
/// markers, and a legend. Used for the comparison report's figures.
public struct SVGLineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Draw point markers (off for dense time series).
    public var showsMarkers = true
    public var width = 780.0
    public var height = 420.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
    private let margin = (left: 70.0, right: 210.0, top: 40.0, bottom: 55.0)

    public func render() -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xTicks = Self.ticks(low: all.map(\.x).min() ?? 0, high: all.map(\.x).max() ?? 1)
        let yTicks = Self.ticks(low: min(0, all.map(\.y).min() ?? 0), high: all.map(\.y).max() ?? 1)
        let plot = Plot(
            x0: margin.left, y0: margin.top, width: width - margin.left - margin.right,
            height: height - margin.top - margin.bottom, xRange: (xTicks.first ?? 0, xTicks.last ?? 1),
            yRange: (yTicks.first ?? 0, yTicks.last ?? 1))
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

            """
        svg += axes(plot, xTicks: xTicks, yTicks: yTicks)
        for (index, line) in series.enumerated() {
            svg += draw(line, color: Self.palette[index % Self.palette.count], plot: plot)
            svg += legendEntry(line.name, index: index, color: Self.palette[index % Self.palette.count])
        }
        return svg + "</svg>\n"
    }

    private func axes(_ plot: Plot, xTicks: [Double], yTicks: [Double]) -> String {
        var svg = "<g stroke=\"#999\" stroke-width=\"1\">\n"
        for tick in yTicks {
            let y = plot.y(tick)
            svg += "<line x1=\"\(f(plot.x0))\" y1=\"\(f(y))\" x2=\"\(f(plot.x0 + plot.width))\" y2=\"\(f(y))\" stroke=\"#eee\"/>\n"
        }
        svg += "<line x1=\"\(f(plot.x0))\" y1=\"\(f(plot.y0 + plot.height))\" x2=\"\(f(plot.x0 + plot.width))\" y2=\"\(f(plot.y0 + plot.height))\"/>\n"
        svg += "<line x1=\"\(f(plot.x0))\" y1=\"\(f(plot.y0))\" x2=\"\(f(plot.x0))\" y2=\"\(f(plot.y0 + plot.height))\"/>\n</g>\n"
        for tick in xTicks {
            svg += "<text x=\"\(f(plot.x(tick)))\" y=\"\(f(plot.y0 + plot.height + 18))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in yTicks {
            svg += "<text x=\"\(f(plot.x0 - 8))\" y=\"\(f(plot.y(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        svg += "<text x=\"\(f(plot.x0 + plot.width / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(16 \(f(plot.y0 + plot.height / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        return svg
    }

    private func draw(_ line: Series, color: String, plot: Plot) -> String {
        let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
        guard !points.isEmpty else { return "" }
        let path = points.map { "\(f(plot.x($0.x))),\(f(plot.y($0.y)))" }.joined(separator: " ")
        var svg = "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
        if showsMarkers {
            for point in points {
                svg += "<circle cx=\"\(f(plot.x(point.x)))\" cy=\"\(f(plot.y(point.y)))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
        }
        return svg
    }

    private func legendEntry(_ name: String, index: Int, color: String) -> String {
        let x = width - margin.right + 15, y = margin.top + 10 + Double(index) * 20
        return "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 20))\" y2=\"\(f(y))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
            + "<text x=\"\(f(x + 26))\" y=\"\(f(y + 4))\">\(escape(name))</text>\n"
    }

    /// About five round-numbered ticks (steps of 1, 2 or 5 × 10ⁿ) covering `low...high`.
    static func ticks(low: Double, high: Double) -> [Double] {
        let span = high > low ? high - low : max(abs(high), 1)
        let raw = span / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        let start = (low / step).rounded(.down) * step
        var ticks: [Double] = []
        var value = start
        let top = high > low ? high : low + span
        while ticks.count < 50 {
            ticks.append(value)
            if value >= top - step * 1e-9 { break }
            value += step
        }
        return ticks.count >= 2 ? ticks : [start, start + step]
    }

    static func label(_ value: Double) -> String { Format.number(value, decimals: 3) }
    private func f(_ value: Double) -> String { Format.number(value, decimals: 1) }
    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// Maps data coordinates to the plot area.
private struct Plot {
    let x0: Double, y0: Double, width: Double, height: Double
    let xRange: (Double, Double), yRange: (Double, Double)

    func x(_ value: Double) -> Double {
        let span = xRange.1 - xRange.0
        return x0 + (span > 0 ? (value - xRange.0) / span : 0.5) * width
    }

    func y(_ value: Double) -> Double {
        let span = yRange.1 - yRange.0
        return y0 + height - (span > 0 ? (value - yRange.0) / span : 0.5) * height
    }
}
