/// Says which minimum each point ended near: the basin view of the TUI and
/// the `basins` of a run file.
///
/// A point belongs to the nearest of the listed minima (Euclidean distance)
/// when it lies within ``tolerance`` of it; otherwise, or when it is not
/// finite, to none (`nil`):
///
///     let basins = BasinClassifier(function: .tutorial)
///     basins.basin(of: SIMD2(4.41, 6.28))   // 0, the global minimum
///     basins.basin(of: SIMD2(0, 0))         // nil
public struct BasinClassifier: Sendable, Equatable {
    /// The minima, indexed as ``basin(of:)`` reports them.
    public var minima: [SIMD2<Double>]
    /// How far from a minimum a point may be and still count as in it.
    public var tolerance: Double

    public init(minima: [SIMD2<Double>], tolerance: Double) {
        self.minima = minima
        self.tolerance = tolerance
    }

    /// The function's global then local minima (``TestFunction/allMinima``),
    /// with ``defaultTolerance(domain:)`` unless `tolerance` is given.
    public init(function: TestFunction, tolerance: Double? = nil) {
        self.init(minima: function.allMinima, tolerance: tolerance ?? Self.defaultTolerance(domain: function.domain))
    }

    /// 1% of the domain's diagonal: small enough to tell Rastrigin's local
    /// minima (1 apart) from its global one, large enough for a point still
    /// circling a minimum after a few hundred epochs.
    public static func defaultTolerance(domain: [Double]) -> Double {
        guard domain.count == 4 else { return 0 }
        let width = domain[1] - domain[0], height = domain[3] - domain[2]
        return 0.01 * (width * width + height * height).squareRoot()
    }

    /// The index of the minimum `point` is in, or nil. Ties go to the lower
    /// index (global minima come first).
    public func basin(of point: SIMD2<Double>) -> Int? {
        guard point.x.isFinite, point.y.isFinite else { return nil }
        var best: (index: Int, distance: Double)?
        for (index, minimum) in minima.enumerated() {
            let d = point - minimum
            let distance = (d.x * d.x + d.y * d.y).squareRoot()
            if distance <= tolerance, distance < (best?.distance ?? .infinity) {
                best = (index, distance)
            }
        }
        return best?.index
    }

    /// ``basin(of:)`` for each point.
    public func classify(_ points: [SIMD2<Double>]) -> [Int?] {
        points.map(basin(of:))
    }

    /// How many points are in each minimum's basin (indexed like ``minima``)
    /// and how many in none.
    public func counts(_ points: [SIMD2<Double>]) -> (perMinimum: [Int], none: Int) {
        var perMinimum = [Int](repeating: 0, count: minima.count)
        var none = 0
        for point in points {
            if let index = basin(of: point) { perMinimum[index] += 1 } else { none += 1 }
        }
        return (perMinimum, none)
    }
}
