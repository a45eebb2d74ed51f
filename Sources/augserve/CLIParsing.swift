import Foundation
import ArgumentParser
import ServingCore

/// Parses durations written as `30m`, `90s`, `1h`, `250ms` or a bare number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    let duration: Duration

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var seconds: Double?
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)) { seconds = value * scale }
            break
        }
        if seconds == nil { seconds = Double(text) }
        guard let seconds, seconds.isFinite else { return nil }
        duration = .seconds(seconds)
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// A comma-separated list of rates, where `a:b:step` expands to a range (`1:4:0.5`).
struct RateList: ExpressibleByArgument, Sendable {
    let rates: [Double]

    init?(argument: String) {
        var rates: [Double] = []
        for part in argument.split(separator: ",") {
            let pieces = part.split(separator: ":").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            if pieces.count == 1, let value = pieces[0] {
                rates.append(value)
            } else if pieces.count == 3, let low = pieces[0], let high = pieces[1], let step = pieces[2], step > 0, low <= high {
                var value = low
                while value <= high + step * 1e-9 {
                    rates.append((value * 1e9).rounded() / 1e9)
                    value += step
                }
            } else {
                return nil
            }
        }
        guard !rates.isEmpty else { return nil }
        self.rates = rates
    }
}

/// A comma-separated list of policy names.
struct PolicyList: ExpressibleByArgument, Sendable {
    let kinds: [PolicyKind]

    init?(argument: String) {
        var kinds: [PolicyKind] = []
        for name in argument.split(separator: ",") {
            guard let kind = PolicyKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else { return nil }
            kinds.append(kind)
        }
        guard !kinds.isEmpty else { return nil }
        self.kinds = kinds
    }

    static var allValueStrings: [String] { PolicyKind.allCases.map(\.rawValue) }
}

extension PolicyKind: ExpressibleByArgument {}
