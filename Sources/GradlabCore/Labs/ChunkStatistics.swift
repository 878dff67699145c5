/// What a landscape sweep keeps of one chunk of points while the chunk is in
/// cache: the parts of the run file's ``PointSummary`` and of the gradient
/// norm. Parts are stored per chunk and combined in chunk order, so the
/// result does not depend on the thread count.
struct ChunkStatistics {
    /// The smallest and largest f (before the update), and whether any was NaN.
    var fMin = Double.infinity
    var fMax = -Double.infinity
    var sawNaN = false
    /// Sums of the chunk's x1 and x2 (after the update).
    var positionSum = SIMD2<Double>()
    /// The sum of the squared gradient components.
    var gradientSquares = 0.0
}
