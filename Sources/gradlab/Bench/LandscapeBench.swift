import GradlabCore
import GradlabMath

/// Landscape throughput in point-steps per second (points x optimizer steps).
enum LandscapeBench {
    /// The app's path: a `Session` running the landscape lab (gradient,
    /// mean loss, optimizer step and the tracked points' record per epoch).
    static func session(function: String, dtype: DType, points: Int, steps: Int) async throws -> Double {
        var config = LabConfig(lab: .landscape)
        config.function = function
        config.dtype = dtype
        config.points = points
        config.epochs = steps + 1
        config.device = "cpu"
        let session = try Session(config: config)
        await session.start()
        await session.step(1)  // warm: caches, lazily allocated optimizer state
        let seconds = await BenchTimer.seconds { await session.step(steps) }
        await session.finish(status: "completed")
        return Double(points) * Double(steps) / seconds
    }

    /// One sweep per step through GradlabMath's fused run: the gradient and
    /// the mean of f per chunk, and SGD applied to each chunk while it is in
    /// cache. This is the landscape step once the lab uses
    /// `Program.run(count:inputs:outputs:sums:threads:afterChunk:)`.
    static func fused<T: ProgramScalar>(_ type: T.Type, function: String, points: Int, steps: Int) throws -> Double {
        let expression = try Expression.parse(function, variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let parameters = UnsafeMutablePointer<T>.allocate(capacity: 2 * points)
        let gradients = UnsafeMutablePointer<T>.allocate(capacity: 2 * points)
        defer { parameters.deallocate(); gradients.deallocate() }
        BenchTimer.startPoints(points, into: parameters)
        gradients.initialize(repeating: 0, count: 2 * points)
        nonisolated(unsafe) let p = parameters, g = gradients
        let negativeLR = T(-1e-3)
        var sums = [0.0, 0.0, 0.0]
        func step() {
            program.run(count: points, inputs: [.lanes(p), .lanes(p + points)], outputs: [nil, g, g + points],
                        sums: &sums) { lanes in
                // torch.optim.SGD without momentum: p += -lr * g.
                for i in lanes {
                    p[i] = p[i] + negativeLR * g[i]
                    p[points + i] = p[points + i] + negativeLR * g[points + i]
                }
            }
        }
        step()
        let seconds = BenchTimer.seconds { for _ in 0..<steps { step() } }
        return Double(points) * Double(steps) / seconds
    }
}
