import Foundation

/// How f's values map to the ramp's bands.
public enum FieldShading: String, Sendable, CaseIterable {
    /// Equal steps of f.
    case linear
    /// Equal steps of log(f − f_min + ε): the valleys of a function whose
    /// range is huge (rosenbrock, beale, goldstein-price).
    case log
    /// By rank: each band holds the same share of the plane.
    case quantile

    /// The next in the cycle linear, log, quantile.
    public var next: FieldShading {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }

    /// Linear, unless the range is huge: when half the plane lies in the
    /// lowest eighth of the range (linear bands would paint it one colour), log.
    public static func suited(to field: ScalarField) -> FieldShading {
        let sorted = field.sortedFinite
        guard let low = sorted.first, let high = sorted.last, high > low else { return .linear }
        let median = sorted[sorted.count / 2]
        return (median - low) < (high - low) / 8 ? .log : .linear
    }
}

/// The band of each value of one field under a shading: thresholds in f,
/// rising, so every shading is monotone in f.
public struct FieldBands: Sendable {
    public let shading: FieldShading
    public let levels: Int
    public let low: Double
    public let high: Double
    /// `levels − 1` rising values of f where the next band starts (log and quantile).
    private let thresholds: [Double]
    private let scale: Double

    public init?(field: ScalarField, shading: FieldShading?, levels: Int) {
        let sorted = field.sortedFinite
        guard let low = sorted.first, let high = sorted.last, levels > 0 else { return nil }
        let shading = shading ?? FieldShading.suited(to: field)
        self.shading = shading
        self.levels = levels
        self.low = low
        self.high = high
        let span = high - low
        scale = span > 0 ? Double(levels) / span : 0
        switch shading {
        case .linear:
            thresholds = []
        case .log:
            // ε a ten-thousandth of the range: four decades over the bands.
            let epsilon = max(span * 1e-4, Double.leastNormalMagnitude)
            let ratio = (span + epsilon) / epsilon
            thresholds = (1..<levels).map { low - epsilon + epsilon * Foundation.pow(ratio, Double($0) / Double(levels)) }
        case .quantile:
            thresholds = (1..<levels).map { sorted[min(sorted.count - 1, $0 * sorted.count / levels)] }
        }
    }

    /// The `levels − 1` rising values of f where each band after the first
    /// starts: where a figure draws its contour boundaries.
    public var boundaries: [Double] {
        guard shading == .linear else { return thresholds }
        let span = high - low
        return (1..<max(1, levels)).map { low + span * Double($0) / Double(levels) }
    }

    @inline(__always)
    public func level(of value: Double) -> Int {
        if shading == .linear { return min(levels - 1, max(0, Int((value - low) * scale))) }
        // Quantile thresholds are values of the field: a band starts above
        // its threshold, so a flat plane stays in the lowest band.
        var level = 0
        if shading == .quantile {
            while level < thresholds.count, value > thresholds[level] { level += 1 }
        } else {
            while level < thresholds.count, value >= thresholds[level] { level += 1 }
        }
        return level
    }
}
