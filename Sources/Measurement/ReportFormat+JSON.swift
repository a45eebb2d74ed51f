import Foundation

extension ReportFormat {
    /// The JSON report: `{"configuration": …, "runs": [row, …], "series": [series, …]}`.
    ///
    /// Each run is an object of its report columns (`RunSummary.columns`: the stable SPEC names,
    /// the further statistics, the extras). Keys are sorted, output is pretty-printed, numbers are
    /// written in Swift's shortest round-trip form and non-finite ones as null, so the same inputs
    /// give byte-identical output. Throws only if `configuration`'s own encoding fails.
    public static func json(configuration: some Encodable, runs: [RunSummary], series: [TimeSeries] = []) throws(MeasurementError) -> Data {
        try encodedReport(configuration: configuration, runs: runs, series: series)
    }

    /// The JSON report as text, for a configuration already given as a `JSONValue` (which always
    /// encodes). Same bytes as `json(configuration:runs:series:)`.
    public static func json(configuration: JSONValue, runs: [RunSummary], series: [TimeSeries] = []) -> String {
        do {
            return String(decoding: try encodedReport(configuration: configuration, runs: runs, series: series), as: UTF8.self)
        } catch {
            // Unreachable: JSONValue, report rows and series encode non-finite numbers as null and
            // have no other failure. Still a valid document rather than a crash.
            return "{\n  \"error\" : " + JSONValue.quoted(error.description) + "\n}\n"
        }
    }

    private static func encodedReport(configuration: some Encodable, runs: [RunSummary], series: [TimeSeries]) throws(MeasurementError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = ReportDocument(configuration: configuration, runs: runs.map(ReportRow.init), series: series)
        do {
            var data = try encoder.encode(document)
            data.append(0x0A)
            return data
        } catch {
            throw .unencodableConfiguration(reason: "\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))
        }
    }
}

/// The top level of the JSON report.
private struct ReportDocument<Configuration: Encodable>: Encodable {
    var configuration: Configuration
    var runs: [ReportRow]
    var series: [TimeSeries]
}

/// One run as an object of its report columns.
private struct ReportRow: Encodable {
    var columns: [(name: String, value: ReportValue)]

    init(_ summary: RunSummary) { columns = summary.columns }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        for column in columns {
            try container.encode(column.value, forKey: JSONKey(column.name))
        }
    }
}

/// A coding key made from any string (report columns, `JSONValue` object members).
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
