import GradlabMath

/// Example 1: many points descending f(x1, x2), each with its own gradient.
///
/// Points live in one buffer, all x1 first then all x2, so the Program reads
/// them as two lane arrays and the optimizer updates them as one flat array.
/// One epoch = one optimizer step for every point.
final class LandscapeLab<T: ProgramScalar>: TrainableLab<T>, Lab {
    private let program: Program
    private let values: UnsafeMutablePointer<T>
    private let count: Int

    init(_ config: LabConfig) throws(GradlabError) {
        let expression = try parseLabExpression(config.function, variables: ["x1", "x2"], flag: "--f")
        program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let starts = config.starts ?? LandscapeLab.generatedStarts(count: config.points, domain: config.domain, seed: config.seed)
        count = starts.count
        values = .allocate(capacity: max(count, 1))
        values.initialize(repeating: 0, count: max(count, 1))
        super.init(config: config, parameterCount: 2 * count)
        for (i, start) in starts.enumerated() {
            buffers.values[i] = T(start[0])
            buffers.values[count + i] = T(start[1])
        }
    }

    deinit { values.deallocate() }

    /// `np.random.seed(seed); np.random.rand(n, 2)` scaled to the domain.
    static func generatedStarts(count: Int, domain: [Double], seed: UInt32) -> [[Double]] {
        var rng = MersenneTwister(seed: seed)
        return (0..<count).map { _ in
            let u1 = rng.uniform(), u2 = rng.uniform()
            return [domain[0] + (domain[1] - domain[0]) * u1, domain[2] + (domain[3] - domain[2]) * u2]
        }
    }

    /// Computes f and the gradient at every point; returns the mean of f.
    private func evaluate() -> Double {
        program.run(
            count: count,
            inputs: [.lanes(UnsafePointer(buffers.values)), .lanes(UnsafePointer(buffers.values + count))],
            outputs: [values, buffers.gradients, buffers.gradients + count]
        )
        return sumAsDouble(values, count) / Double(count)
    }

    func startRecord() -> EpochRecord {
        record(loss: evaluate())
    }

    func runEpoch() -> EpochRecord {
        let loss = evaluate()
        buffers.step(with: optimizer, trackSteps: count <= 4096)
        epoch += 1
        return record(loss: loss)
    }

    private func record(loss: Double) -> EpochRecord {
        let tracked = min(count, config.trackedPoints)
        let points = (0..<tracked).map { SIMD2(Double(buffers.values[$0]), Double(buffers.values[count + $0])) }
        let diverged = !loss.isFinite || !points.allSatisfy { $0.x.isFinite && $0.y.isFinite }
        // Points beyond the tracked ones are described by statistics only.
        let summary = count > tracked ? PointSummary.of(values: values, positions: buffers.values, count: count) : nil
        return EpochRecord(epoch: epoch, loss: loss, points: points, diverged: diverged, summary: summary)
    }

    func inspect(selectedPoint: Int) -> LabInspection {
        let index = min(max(selectedPoint, 0), max(count - 1, 0))
        let inputs = [buffers.values[index], buffers.values[count + index]]
        let value = Double(program.evaluate(inputs)[0])
        return LabInspection(
            epoch: epoch,
            parameters: buffers.inspect([index, count + index], names: ["x1", "x2"], optimizer: optimizer),
            gradientNorm: buffers.gradientNorm(),
            optimizerSteps: optimizer.stepCount,
            selectedPoint: index,
            pointCount: count,
            valueAtSelected: value
        )
    }

    var dataset: LabDataset { .empty }
}
