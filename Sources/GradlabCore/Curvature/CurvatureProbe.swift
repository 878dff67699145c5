import GradlabMath

/// λmax at a record's points (landscape, all tracked points in one
/// vectorized run of the Hessian Program) or of a data lab's loss at its
/// parameters: what `--record` writes as `lambdaMax`.
struct CurvatureProbe {
    /// The Hessian Program of the function last asked about (landscape or loss), built once.
    private var program: (function: String, program: Program)?

    mutating func lambdaMax(_ record: EpochRecord, config: LabConfig, dataset: LabDataset) -> [Double]? {
        if config.lab != .landscape {
            let parameters = record.params.compactMap(\.values.first)
            if program?.function != config.function {
                guard let made = try? Curvature.lossProgram(config: config, dataset: dataset) else { return nil }
                program = (config.function, made)
            }
            guard parameters.count == config.parameterNames.count, parameters.allSatisfy(\.isFinite), let program = program?.program,
                  let curvature = try? Curvature.loss(program: program, config: config, dataset: dataset, at: parameters) else { return nil }
            return [curvature.maxEigenvalue]
        }
        guard let points = record.points, !points.isEmpty else { return nil }
        if program?.function != config.function {
            guard let made = try? Curvature.landscapeProgram(config.function) else { return nil }
            program = (config.function, made)
        }
        guard let program = program?.program else { return nil }
        let n = points.count
        let x1 = points.map(\.x), x2 = points.map(\.y)
        let outputs = UnsafeMutablePointer<Double>.allocate(capacity: 7 * n)
        defer { outputs.deallocate() }
        outputs.initialize(repeating: .nan, count: 7 * n)
        x1.withUnsafeBufferPointer { a in
            x2.withUnsafeBufferPointer { b in
                guard let a = a.baseAddress, let b = b.baseAddress else { return }
                program.run(count: n, inputs: [.lanes(a), .lanes(b)], outputs: (0..<7).map { outputs + $0 * n })
            }
        }
        return (0..<n).map { i in Curvature.lambdaMax(h11: outputs[3 * n + i], h12: outputs[4 * n + i], h22: outputs[6 * n + i]) }
    }
}
