import Foundation

/// One server a bench measures: a label for its runs in the report, its base URL, and how its
/// calls are played when that differs between servers (nil: the bench's `--target`).
public struct BenchServer: Sendable, Equatable {
    public var label: String
    public var url: String
    public var target: BenchTarget?

    public init(label: String, url: String, target: BenchTarget? = nil) {
        self.label = label
        self.url = url
        self.target = target
    }

    /// Why a `--url` list was refused.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// `URL` or `LABEL=URL[,LABEL=URL…]`: one unlabelled server takes `defaultLabel`; several
    /// servers each need a distinct label. URLs are http:// or https://.
    public static func parseList(_ text: String, defaultLabel: String) throws(Invalid) -> [BenchServer] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var servers: [BenchServer] = []
        for item in items {
            guard !item.isEmpty else { throw Invalid(reason: "an empty entry in '\(text)'") }
            var label: String?
            var url = item
            // A label comes before the scheme: "ours=http://…"; an '=' after "://" belongs to the URL.
            if let equals = item.firstIndex(of: "="), !item[..<equals].contains("/") {
                label = String(item[..<equals])
                url = String(item[item.index(after: equals)...])
            }
            let host = url.hasPrefix("http://") ? url.dropFirst(7) : url.hasPrefix("https://") ? url.dropFirst(8) : ""
            guard !host.isEmpty, !host.hasPrefix("/") else {
                throw Invalid(reason: "'\(url)' is not an http:// or https:// URL")
            }
            if let label {
                guard !label.isEmpty, label.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw Invalid(reason: "label '\(label)' must be non-empty letters, digits, '-', '_' or '.'")
                }
            }
            servers.append(BenchServer(label: label ?? "", url: url))
        }
        if servers.count == 1, servers[0].label.isEmpty { servers[0].label = defaultLabel }
        if let unlabelled = servers.first(where: { $0.label.isEmpty }) {
            throw Invalid(reason: "several servers need a label each, e.g. ours=http://127.0.0.1:8000,peer=http://127.0.0.1:8200 ('\(unlabelled.url)' has none)")
        }
        var seen = Set<String>()
        for server in servers where !seen.insert(server.label).inserted {
            throw Invalid(reason: "label '\(server.label)' is given twice")
        }
        return servers
    }

    /// `--target augserve` for every server, or `--target augserve,generic` one per server (the same
    /// URL may appear twice under two labels: one server measured in both modes, taking turns).
    /// Returns the bench's target and the servers with theirs.
    public static func assignTargets(_ text: String, to servers: [BenchServer]) throws(Invalid) -> (BenchTarget, [BenchServer]) {
        var targets: [BenchTarget] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = item.trimmingCharacters(in: .whitespaces)
            guard let target = BenchTarget(rawValue: name) else { throw Invalid(reason: "'\(name)' is not augserve or generic") }
            targets.append(target)
        }
        guard let first = targets.first else { throw Invalid(reason: "no target given") }
        if targets.count == 1 { return (first, servers) }
        guard targets.count == servers.count else {
            throw Invalid(reason: "\(targets.count) targets for \(servers.count) servers: give one for all, or one per --url server")
        }
        return (first, zip(servers, targets).map { BenchServer(label: $0.label, url: $0.url, target: $1) })
    }

    /// The order the servers take turns in at the `round`-th rate: as given on even rounds,
    /// reversed on odd ones, so neither server always runs first (on a cold or a warm machine).
    public static func order(_ servers: [BenchServer], round: Int) -> [BenchServer] {
        round % 2 == 0 ? servers : servers.reversed()
    }
}
