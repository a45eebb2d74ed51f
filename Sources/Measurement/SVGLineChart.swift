/// A standalone SVG line chart: a title, axes with round-numbered ticks and grid lines, one line
/// per series in a distinct colour (dashed once the palette repeats), optional point markers, a
/// legend, and an optional logarithmic y axis. The output is a well-formed XML document; the same
/// chart always renders to the same text.
public struct SVGLineChart: Sendable {
    /// One named line.
    public struct Series: Sendable {
        /// The legend entry.
        public var name: String
        /// The points, drawn in order; non-finite ones (and y ≤ 0 on a log axis) are skipped.
        public var points: [(x: Double, y: Double)]
        /// A series named `name` through `points`.
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    /// The heading above the plot.
    public var title: String
    /// The x-axis caption (with its unit).
    public var xLabel: String
    /// The y-axis caption (with its unit).
    public var yLabel: String
    /// The lines, in legend order.
    public var series: [Series]
    /// A log₁₀ y axis (for quantities spanning decades, such as TTFT under overload).
    public var logarithmicY: Bool
    /// Draw point markers (off for dense time series).
    public var showsMarkers = true
    /// Width of the whole picture, in SVG user units.
    public var width = 780.0
    /// Height of the whole picture, in SVG user units.
    public var height = 420.0

    /// A chart of `series`; the y axis is linear and includes 0 unless `logarithmicY`.
    public init(title: String, xLabel: String, yLabel: String, series: [Series], logarithmicY: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logarithmicY = logarithmicY
    }

    /// Ten colours that stay distinguishable (Tableau's categorical palette).
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
    private static let margin = (left: 75.0, right: 210.0, top: 40.0, bottom: 55.0)

    /// The SVG document.
    public func render() -> String {
        let points = series.flatMap(\.points)
        let frame = ChartFrame(
            x0: Self.margin.left, y0: Self.margin.top,
            width: max(width - Self.margin.left - Self.margin.right, 10), height: max(height - Self.margin.top - Self.margin.bottom, 10),
            xAxis: ChartAxis(covering: points.map(\.x), logarithmic: false),
            yAxis: ChartAxis(covering: points.map(\.y), logarithmic: logarithmicY, includesZero: true))
        var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<title>\(escaped(title))</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(escaped(title))</text>\n"
        svg += axes(frame)
        for (index, line) in series.enumerated() {
            svg += draw(line, style: Self.style(index), frame: frame)
            svg += legendEntry(line.name, index: index, style: Self.style(index))
        }
        return svg + "</svg>\n"
    }

    /// Colour and dash pattern of the `index`-th series.
    static func style(_ index: Int) -> (color: String, dash: String) {
        let dashes = ["", " stroke-dasharray=\"6 3\"", " stroke-dasharray=\"2 3\""]
        return (palette[index % palette.count], dashes[(index / palette.count) % dashes.count])
    }

    private func axes(_ frame: ChartFrame) -> String {
        let bottom = frame.y0 + frame.height, right = frame.x0 + frame.width
        var svg = "<g stroke=\"#eee\" stroke-width=\"1\">\n"
        for tick in frame.yAxis.ticks { svg += line(frame.x0, frame.y(tick), right, frame.y(tick)) }
        svg += "</g>\n<g stroke=\"#999\" stroke-width=\"1\">\n" + line(frame.x0, bottom, right, bottom) + line(frame.x0, frame.y0, frame.x0, bottom) + "</g>\n"
        for tick in frame.xAxis.ticks {
            svg += "<text x=\"\(f(frame.x(tick)))\" y=\"\(f(bottom + 18))\" text-anchor=\"middle\">\(frame.xAxis.label(tick))</text>\n"
        }
        for tick in frame.yAxis.ticks {
            svg += "<text x=\"\(f(frame.x0 - 8))\" y=\"\(f(frame.y(tick) + 4))\" text-anchor=\"end\">\(frame.yAxis.label(tick))</text>\n"
        }
        svg += "<text x=\"\(f(frame.x0 + frame.width / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escaped(xLabel))</text>\n"
        let yLabelText = logarithmicY ? yLabel + " (log scale)" : yLabel
        svg += "<text transform=\"translate(16 \(f(frame.y0 + frame.height / 2))) rotate(-90)\" text-anchor=\"middle\">\(escaped(yLabelText))</text>\n"
        return svg
    }

    private func draw(_ series: Series, style: (color: String, dash: String), frame: ChartFrame) -> String {
        let positions = series.points.compactMap { point -> (Double, Double)? in
            guard point.x.isFinite, frame.xAxis.position(point.x) != nil, frame.yAxis.position(point.y) != nil else { return nil }
            return (frame.x(point.x), frame.y(point.y))
        }
        guard !positions.isEmpty else { return "" }
        let path = positions.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        var svg = "<polyline fill=\"none\" stroke=\"\(style.color)\" stroke-width=\"2\"\(style.dash) points=\"\(path)\"/>\n"
        if showsMarkers {
            for position in positions {
                svg += "<circle cx=\"\(f(position.0))\" cy=\"\(f(position.1))\" r=\"3\" fill=\"\(style.color)\"/>\n"
            }
        }
        return svg
    }

    private func legendEntry(_ name: String, index: Int, style: (color: String, dash: String)) -> String {
        let x = width - Self.margin.right + 15, y = Self.margin.top + 10 + Double(index) * 20
        return "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 20))\" y2=\"\(f(y))\" stroke=\"\(style.color)\" stroke-width=\"3\"\(style.dash)/>\n"
            + "<text x=\"\(f(x + 26))\" y=\"\(f(y + 4))\">\(escaped(name))</text>\n"
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\"/>\n"
    }

    private func f(_ value: Double) -> String { Format.number(value, decimals: 1) }

    /// Text safe inside an element or a double-quoted attribute; control characters XML 1.0
    /// forbids are dropped.
    private func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result += " "
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// The plot area of a chart and the mapping from data to picture coordinates.
private struct ChartFrame {
    let x0: Double, y0: Double, width: Double, height: Double
    let xAxis: ChartAxis, yAxis: ChartAxis

    func x(_ value: Double) -> Double { x0 + (xAxis.position(value) ?? 0) * width }
    func y(_ value: Double) -> Double { y0 + height - (yAxis.position(value) ?? 0) * height }
}
