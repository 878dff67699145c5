import GradlabMath

/// λmax at a record's points (landscape, all tracked points in one
/// vectorized run of the Hessian Program) or of a data lab's loss at its
/// parameters: what `--record` writes as `lambdaMax`.
struct CurvatureProbe {
    private var program: (function: String, program: Program)?

    mutating func lambdaMax(_ record: EpochRecord, config: LabConfig, dataset: LabDataset) -> [Double]? {
        if config.lab != .landscape {
            let parameters = record.params.compactMap(\.values.first)
            guard parameters.count == config.parameterNames.count, parameters.allSatisfy(\.isFinite),
                  let curvature = try? Curvature.loss(config: config, dataset: dataset, at: parameters) else { return nil }
            return [curvature.maxEigenvalue]
        }
        guard let points = record.points, !points.isEmpty else { return nil }
        if program?.function != config.function {
            let names = ["x1", "x2"]
            guard let expression = try? GradlabMath.Expression.parse(config.function, variables: names) else { return nil }
            program = (config.function, Program.valueGradientHessian(of: expression, inputs: names, respect: names))
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
        return (0..<n).map { i in
            let h11 = outputs[3 * n + i], h12 = outputs[4 * n + i], h22 = outputs[6 * n + i]
            let mean = (h11 + h22) / 2, half = (h11 - h22) / 2
            return mean + (half * half + h12 * h12).squareRoot()
        }
    }
}
