import Foundation

/// A named landscape f(x1, x2) from the optimization literature, with its
/// usual domain and its known minima.
///
/// The expression is text in gradlab's expression language, so a named
/// function runs on every device like a typed one:
///
///     let f = try TestFunction.lookup("himmelblau")
///     f.expression   // "(x1^2 + x2 - 11)^2 + (x1 + x2^2 - 7)^2"
///     f.minima.count // 4
///
/// ``catalogue`` lists them; `docs/functions.md` describes each.
public struct TestFunction: Sendable, Equatable {
    /// The canonical name, lowercase with hyphens (`six-hump-camel`).
    public var name: String
    /// Other names ``named(_:)`` accepts (compared without case or hyphens).
    public var aliases: [String]
    /// f(x1, x2) in gradlab's expression language.
    public var expression: String
    /// The usual plotting and sampling region: x1 min, x1 max, x2 min, x2 max.
    public var domain: [Double]
    /// The global minima inside the domain; empty when there is none.
    public var minima: [SIMD2<Double>]
    /// Notable local (non-global) minima inside the domain, where the
    /// literature lists them (the six-hump camel's other humps, ...).
    public var localMinima: [SIMD2<Double>]
    /// f at the global minima; nil when f has no minimum (unbounded below).
    public var minimumValue: Double?
    /// One line on what makes the function interesting.
    public var summary: String
    /// Whether f has a kink at a minimum, so its gradient there is undefined
    /// (Ackley's cone: PyTorch and gradlab both give NaN there).
    public var hasKinkAtMinimum: Bool

    public init(name: String, aliases: [String] = [], expression: String, domain: [Double],
                minima: [SIMD2<Double>], localMinima: [SIMD2<Double>] = [], minimumValue: Double?,
                summary: String, hasKinkAtMinimum: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.expression = expression
        self.domain = domain
        self.minima = minima
        self.localMinima = localMinima
        self.minimumValue = minimumValue
        self.summary = summary
        self.hasKinkAtMinimum = hasKinkAtMinimum
    }

    /// Global minima first, then the local ones: the basins a point can end in.
    public var allMinima: [SIMD2<Double>] { minima + localMinima }

    /// The function called `name`, or nil. Case, hyphens, underscores and
    /// spaces are ignored: `Six-Hump-Camel`, `sixhump` and `six_hump_camel`
    /// all name the six-hump camel.
    public static func named(_ name: String) -> TestFunction? {
        let key = normalized(name)
        return catalogue.first { function in
            ([function.name] + function.aliases).contains { normalized($0) == key }
        }
    }

    /// The function called `name`, or an error listing the known names.
    public static func lookup(_ name: String) throws(GradlabError) -> TestFunction {
        guard let function = named(name) else {
            throw GradlabError("unknown function '\(name)' (known: \(catalogue.map(\.name).joined(separator: ", ")); or give an expression in x1 and x2)")
        }
        return function
    }

    /// The catalogue's name closest to `name` (by edit distance, ignoring
    /// case and separators), if it is close enough to be a typo: for
    /// "did you mean" messages.
    public static func closest(to name: String) -> String? {
        let key = Array(normalized(name))
        guard !key.isEmpty else { return nil }
        var best: (name: String, distance: Int)?
        for function in catalogue {
            for candidate in [function.name] + function.aliases {
                let distance = editDistance(key, Array(normalized(candidate)))
                if distance < (best?.distance ?? .max) { best = (function.name, distance) }
            }
        }
        guard let best, best.distance <= max(1, min(3, key.count / 3)) else { return nil }
        return best.name
    }

    /// Levenshtein distance.
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var row = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                row[j + 1] = min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }

    private static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { !"-_ \t".contains($0) })
    }
}

// MARK: - Listing

extension TestFunction {
    /// The `gradlab functions` table: one row per function with its domain,
    /// the minimum value, where the global minima are (and how many local
    /// ones are listed), and the expression; columns aligned.
    public static var listing: String {
        let header = ["NAME", "DOMAIN", "MIN", "AT", "f(x1, x2)"]
        let rows = catalogue.map { function -> [String] in
            let domain = "[\(short(function.domain[0])), \(short(function.domain[1]))] x [\(short(function.domain[2])), \(short(function.domain[3]))]"
            let value = function.minimumValue.map(short) ?? "none"
            var at = function.minima.map { "(\(short($0.x)), \(short($0.y)))" }.joined(separator: " ")
            if function.minima.isEmpty { at = "unbounded below" }
            if !function.localMinima.isEmpty { at += " +\(function.localMinima.count) local" }
            return [function.name, domain, value, at, function.expression]
        }
        let all = [header] + rows
        let widths = (0..<header.count - 1).map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            let padded = zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            return (padded + [row[row.count - 1]]).joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// A number with at most 4 decimals and no trailing zeros (`3`, `-2.8051`).
    static func short(_ value: Double) -> String {
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
