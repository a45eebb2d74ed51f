import Foundation

/// The segment table published with the data (`Fixtures/infercept_segments.csv`), read by path
/// relative to this file so the test target needs no resource declaration.
struct SegmentTable {
    struct Row {
        var key: String
        var type: String
        var segmentIndex: Int
        var promptTokenCount: Int
        var completionTokenCount: Int
        var hasInterception: Bool
        var seconds: Double
        var returnedTokenCount: Int
        var kind: String
    }

    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    var rows: [Row]

    static func load() throws -> SegmentTable {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/infercept_segments.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
        guard lines.first == "request_key,type,segment_index,num_segments,prompt_tokens,completion_tokens,has_interception,api_time_s,api_return_tokens,interception_kind"
        else { throw FormatError(description: "unexpected header") }
        return SegmentTable(rows: try lines.dropFirst().map(row))
    }

    private static func row(_ line: Substring) throws -> Row {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 10, let index = Int(fields[2]), let prompt = Int(fields[4]), let completion = Int(fields[5]) else {
            throw FormatError(description: "bad row \(line)")
        }
        return Row(
            key: fields[0], type: fields[1], segmentIndex: index, promptTokenCount: prompt, completionTokenCount: completion,
            hasInterception: fields[6] == "1", seconds: Double(fields[7]) ?? 0, returnedTokenCount: Int(fields[8]) ?? 0, kind: fields[9])
    }
}
