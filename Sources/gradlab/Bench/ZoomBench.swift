import GradlabCore
import GradlabMath

/// What a wheel notch costs: the landscape's contour field recomputed for a
/// new window (``PlaneField``, on the UI thread), median milliseconds over
/// `iterations` windows, each a new range, at the plot sizes of a 120×40 and
/// a 200×60 terminal.
enum ZoomBench {
    static func run(iterations: Int) -> [String: Any] {
        var result: [String: Any] = [:]
        for (name, expression) in [("tutorial", LabConfig.tutorialFunction),
                                   ("himmelblau", TestFunction.named("himmelblau")?.expression ?? "x1^2 + x2^2")] {
            guard let parsed = try? Expression.parse(expression, variables: ["x1", "x2"]) else { continue }
            let program = Program.value(of: parsed, inputs: ["x1", "x2"])
            for (columns, rows) in [(73, 36), (190, 56)] {
                var field = PlaneField()
                var times: [Double] = []
                for i in 0..<max(1, iterations) {
                    let scale = 1 + Double(i) * 0.01
                    let start = ContinuousClock.now
                    _ = field.landscape(program: program, columns: columns, rows: rows,
                                        xRange: 0...(10 * scale), yRange: 0...(10 * scale))
                    let elapsed = ContinuousClock.now - start
                    times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
                }
                times.sort()
                result["\(name)\(columns)x\(rows)Ms"] = times[times.count / 2]
            }
        }
        return result
    }
}
