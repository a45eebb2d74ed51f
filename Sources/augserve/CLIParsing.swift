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

/// A comma-separated list of rates, where `a:b:step` expands to a range (`1:4:0.5`). The list
/// holds at most `maxCount` values: a range is counted before it is expanded, so a step too small
/// for its bounds (`0:1:1e-300`, or `1e17:2e17:1`, which floating point cannot step through) is
/// refused at once instead of looping or allocating without end.
struct RateList: ExpressibleByArgument, Sendable {
    static let maxCount = 1000

    /// Why a list was refused (the caller names the option).
    struct Invalid: Error {
        let reason: String
    }

    let rates: [Double]

    init?(argument: String) {
        guard let rates = try? Self.parse(argument) else { return nil }
        self.rates = rates
    }

    static func parse(_ argument: String) throws(Invalid) -> [Double] {
        var rates: [Double] = []
        for part in argument.split(separator: ",") {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
                .map { Double($0.trimmingCharacters(in: .whitespaces)) }
            if pieces.count == 1, let value = pieces[0] {
                rates.append(value)
            } else if pieces.count == 3, let low = pieces[0], let high = pieces[1], let step = pieces[2] {
                guard low.isFinite, high.isFinite, step.isFinite, step > 0, low <= high else {
                    throw Invalid(reason: "a range a:b:step needs finite a ≤ b and step > 0")
                }
                let span = ((high - low) / step + 1e-9).rounded(.down)
                guard span.isFinite, span < Double(maxCount - rates.count) else {
                    throw Invalid(reason: "'\(part)' expands to more than \(maxCount) values")
                }
                for index in 0...Int(span) {
                    let value = low + Double(index) * step
                    rates.append(abs(value) < 1e9 ? (value * 1e9).rounded() / 1e9 : value)
                }
            } else {
                throw Invalid(reason: "expected numbers separated by commas, or a:b:step")
            }
            guard rates.count <= maxCount else { throw Invalid(reason: "more than \(maxCount) values") }
        }
        guard !rates.isEmpty else { throw Invalid(reason: "expected numbers separated by commas, or a:b:step") }
        return rates
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
