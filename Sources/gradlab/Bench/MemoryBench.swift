import GradlabCore
import GradlabMath

/// Peak memory of a large Float landscape with Adam, against its raw arrays:
/// parameters, gradients and Adam's two moment buffers, 4 x 2N Floats
/// (32 bytes a point). Run in a fresh process: maxrss only grows.
enum MemoryBench {
    static func rawMiB(points: Int) -> Double { Double(32 * points) / 1_048_576 }

    /// Through a `Session` (the lab as Core builds it), two Adam steps.
    static func session(points: Int) async throws -> Double {
        var config = LabConfig(lab: .landscape)
        config.dtype = .f32
        config.points = points
        config.epochs = 3
        config.optimizer = OptimizerConfig(kind: .adam)
        config.optimizer.lr = 0.01
        let session = try Session(config: config, streaming: false)  // as --headless runs it
        await session.start()
        await session.step(2)
        await session.finish(status: "completed")
        return BenchTimer.peakResidentMiB
    }

    /// The fused kernel path: exactly the raw arrays, two Adam steps applied
    /// per chunk (torch.optim.Adam's update, defaults betas and eps).
    static func kernel(points: Int) throws -> Double {
        let expression = try Expression.parse(LabConfig.tutorialFunction, variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let n = 2 * points
        let buffers = (0..<4).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: n) }
        defer { for buffer in buffers { buffer.deallocate() } }
        BenchTimer.startPoints(points, into: buffers[0])
        for buffer in buffers.dropFirst() { buffer.initialize(repeating: 0, count: n) }
        nonisolated(unsafe) let (p, g, m, v) = (buffers[0], buffers[1], buffers[2], buffers[3])
        var sums = [0.0, 0.0, 0.0]
        for t in 1...2 {
            let stepSize = Float(-(0.01 / (1 - 0.9 ^^ t)))
            let correction = Float((1 - 0.999 ^^ t).squareRoot())
            program.run(count: points, inputs: [.lanes(p), .lanes(p + points)], outputs: [nil, g, g + points],
                        sums: &sums) { chunk in
                for half in [0, points] {
                    for i in chunk.lanes {
                        let j = half + i
                        m[j] = m[j] + 0.1 * (g[j] - m[j])
                        v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j]
                        p[j] = p[j] + stepSize * m[j] / (v[j].squareRoot() / correction + 1e-8)
                    }
                }
            }
        }
        return BenchTimer.peakResidentMiB
    }
}

infix operator ^^: MultiplicationPrecedence

/// `base` to an integer power.
private func ^^ (base: Double, exponent: Int) -> Double {
    (0..<exponent).reduce(1) { product, _ in product * base }
}
