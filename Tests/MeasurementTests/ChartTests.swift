import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Measurement
import Testing

@Suite struct ChartTests {
    static func isWellFormed(_ svg: String) -> Bool {
        XMLParser(data: Data(svg.utf8)).parse()
    }

    @Test func chartIsWellFormedAndNamesEverySeries() {
        let chart = SVGLineChart(
            title: "goodput <vs> rate & more", xLabel: "rate (req/s)", yLabel: "goodput",
            series: [
                .init(name: "vllm", points: [(1, 0.9), (2, 1.1), (3, 0.4)]),
                .init(name: "augserve \"β=1\"", points: [(1, 1), (2, 2), (3, 2.9)]),
                .init(name: "empty", points: []),
            ])
        let svg = chart.render()
        #expect(Self.isWellFormed(svg))
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains(">vllm</text>") && svg.contains(">augserve &quot;β=1&quot;</text>") && svg.contains(">empty</text>"))
        #expect(svg.contains("goodput &lt;vs&gt; rate &amp; more"))
        #expect(svg.components(separatedBy: "<polyline").count == 3, "one line per non-empty series")
        #expect(svg.contains("stroke=\"#1f77b4\"") && svg.contains("stroke=\"#d62728\""), "distinct colours")
        #expect(svg == chart.render(), "deterministic")
    }

    @Test func edgeCasesStayWellFormed() {
        let empty = SVGLineChart(title: "t", xLabel: "x", yLabel: "y", series: []).render()
        #expect(Self.isWellFormed(empty))
        let flat = SVGLineChart(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "a", points: [(1, 0), (1, 0)])]).render()
        #expect(Self.isWellFormed(flat))
        let odd = SVGLineChart(title: "bell \u{7}", xLabel: "x", yLabel: "y", series: [.init(name: "n", points: [(.nan, 1), (1, .infinity), (2, 3)])])
        #expect(Self.isWellFormed(odd.render()))
        let many = (0..<12).map { SVGLineChart.Series(name: "s\($0)", points: [(0, Double($0)), (1, Double($0 + 1))]) }
        let manySVG = SVGLineChart(title: "t", xLabel: "x", yLabel: "y", series: many).render()
        #expect(Self.isWellFormed(manySVG) && manySVG.contains("stroke-dasharray"), "a repeated colour gets a dash pattern")
    }

    @Test func logarithmicYSkipsNonPositiveValues() {
        let chart = SVGLineChart(
            title: "TTFT", xLabel: "rate", yLabel: "TTFT (s)",
            series: [.init(name: "vllm", points: [(1, 0.05), (2, 3), (3, 250), (4, 0)])], logarithmicY: true)
        let svg = chart.render()
        #expect(Self.isWellFormed(svg))
        #expect(svg.contains("(log scale)"))
        for label in [">0.01<", ">0.1<", ">1<", ">10<", ">100<", ">1000<"] { #expect(svg.contains(label), "\(label)") }
        let polyline = svg.components(separatedBy: "points=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
        #expect(polyline.split(separator: " ").count == 3, "the 0 is not drawn")
    }

    @Test(arguments: [
        (0.0, 3.7, [0.0, 1, 2, 3, 4]),
        (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0.0, 0.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1]),
        (1.0, 4.0, [1.0, 2, 3, 4]),
        (0.0, 0.003, [0.0, 0.001, 0.002, 0.003]),
        (0.0005, 0.0025, [0.0005, 0.001, 0.0015, 0.002, 0.0025]),
        (0.1, 0.7, [0.0, 0.2, 0.4, 0.6, 0.8]),
        (0.0, 0.3, [0.0, 0.1, 0.2, 0.3]),
        (-3.0, 7.0, [-4.0, -2, 0, 2, 4, 6, 8]),
        (0.0, 1800.0, [0.0, 500, 1000, 1500, 2000]),
    ])
    func linearTicksAreRoundNumbers(low: Double, high: Double, expected: [Double]) {
        #expect(ChartAxis.linearTicks(low: low, high: high) == expected)
    }

    @Test func logarithmicTicksArePowersOfTen() {
        #expect(ChartAxis.logarithmicTicks(low: 0.05, high: 250) == [0.01, 0.1, 1, 10, 100, 1000])
        #expect(ChartAxis.logarithmicTicks(low: 2, high: 30) == [1, 2, 5, 10, 20, 50, 100])
        #expect(ChartAxis.logarithmicTicks(low: 1e-6, high: 1e12).count <= 11)
        #expect(ChartAxis(covering: [0.0005, 0.0025], logarithmic: false).label(0.0015) == "0.0015")
    }
}
