import Testing
@testable import GradlabMath

/// Value and gradient of `text` at `point`, through the compiled Program.
private func gradient(_ text: String, at point: [String: Double]) throws -> (value: Double, gradient: [Double]) {
    let names = point.keys.sorted()
    let program = Program.valueAndGradient(of: try Expression.parse(text, variables: names), inputs: names, respect: names)
    let outputs = program.evaluate(names.map { point[$0] ?? .nan })
    return (outputs[0], Array(outputs.dropFirst()))
}

/// Central differences of `text` in each variable, step scaled to the point.
private func finiteDifferences(_ text: String, at point: [String: Double]) throws -> [Double] {
    let f = try Expression.parse(text)
    return point.keys.sorted().map { name in
        let x = point[name] ?? 0
        let h = 1e-6 * max(1, x.magnitude)
        var plus = point
        var minus = point
        plus[name] = x + h
        minus[name] = x - h
        return (f.evaluate(plus) - f.evaluate(minus)) / (2 * h)
    }
}

@Suite("Gradients")
struct GradientTests {
    /// Every function and operator, at points away from kinks and poles.
    @Test(arguments: [
        ("-x", [-1.5, 0.3, 2.0]),
        ("sin(x)", [-2.0, 0.1, 1.3, 4.0]),
        ("cos(x)", [-2.0, 0.1, 1.3, 4.0]),
        ("tan(x)", [-1.2, 0.1, 0.7]),
        ("exp(x)", [-3.0, 0.0, 1.7]),
        ("log(x)", [0.01, 0.5, 7.0]),
        ("sqrt(x)", [0.04, 0.5, 9.0]),
        ("abs(x)", [-2.5, 0.3, 4.0]),
        ("tanh(x)", [-2.0, 0.1, 1.5]),
        ("sigmoid(x)", [-4.0, 0.0, 2.5]),
        ("relu(x)", [-1.0, 0.25, 3.0]),
        ("x^2", [-1.5, 0.3, 2.0]),
        ("x^3", [-1.5, 0.3, 2.0]),
        ("x^0.5", [0.3, 2.0]),
        ("x^-0.5", [0.3, 2.0]),
        ("x^-1", [-1.5, 0.3, 2.0]),
        ("x^-2", [-1.5, 0.3, 2.0]),
        ("x^1.7", [0.3, 2.0]),
        ("2^x", [-1.0, 0.5, 3.0]),
        ("x^4", [-1.5, 0.3]),
        ("sin(3*x)^2 + exp(-x^2/2)", [-1.0, 0.2, 1.4]),
    ])
    func oneVariable(text: String, points: [Double]) throws {
        for x in points {
            let exact = try gradient(text, at: ["x": x]).gradient[0]
            let numeric = try finiteDifferences(text, at: ["x": x])[0]
            #expect(close(exact, numeric, relative: 1e-6) || (exact - numeric).magnitude < 1e-8, "\(text) at \(x): \(exact) vs \(numeric)")
        }
    }

    @Test(arguments: [
        "x + y", "x - y", "x*y", "x/y", "x^y", "min(x, y)", "max(x, y)",
        "x*y/(x + y^2)", "max(x*y, sin(y)) - min(x, cos(x*y))", "sigmoid(x*y - 1)*log(1 + y^2)",
    ])
    func twoVariables(text: String) throws {
        for point in [(0.7, 1.3), (2.1, 0.4), (1.6, 2.9)] {
            let bindings = ["x": point.0, "y": point.1]
            let exact = try gradient(text, at: bindings).gradient
            let numeric = try finiteDifferences(text, at: bindings)
            for (e, n) in zip(exact, numeric) {
                #expect(close(e, n, relative: 1e-6), "\(text) at \(point): \(exact) vs \(numeric)")
            }
        }
    }

    @Test func valueMatchesTheExpression() throws {
        let text = "max(x, y)*sigmoid(x*y) + abs(x - y)^1.5 - log(1 + exp(-x^2))/tanh(2 + y^2) + min(x, 0.3)*tan(0.1*y)"
        let f = try Expression.parse(text)
        for point in [(0.7, 1.3), (-2.1, 0.4), (1.6, -2.9)] {
            let bindings = ["x": point.0, "y": point.1]
            #expect(try gradient(text, at: bindings).value == f.evaluate(bindings))
        }
    }

    // MARK: - PyTorch's conventions at kinks

    @Test func absHasZeroSlopeAtZero() throws {
        #expect(try gradient("abs(x)", at: ["x": 0]).gradient == [0])
        #expect(try gradient("abs(x)", at: ["x": -0.0]).gradient == [0])
        #expect(try gradient("abs(x)", at: ["x": -3]).gradient == [-1])
    }

    @Test func reluHasZeroSlopeAtZero() throws {
        #expect(try gradient("relu(x)", at: ["x": 0]).gradient == [0])
        #expect(try gradient("relu(x)", at: ["x": -2]).gradient == [0])
        #expect(try gradient("relu(x)", at: ["x": 2]).gradient == [1])
    }

    @Test func sqrtHasInfiniteSlopeAtZero() throws {
        #expect(try gradient("sqrt(x)", at: ["x": 0]).gradient == [.infinity])
    }

    @Test func maxAndMinSplitTiesInHalf() throws {
        #expect(try gradient("max(x, y)", at: ["x": 1, "y": 1]).gradient == [0.5, 0.5])
        #expect(try gradient("min(x, y)", at: ["x": 1, "y": 1]).gradient == [0.5, 0.5])
        #expect(try gradient("max(x, y)", at: ["x": 2, "y": 1]).gradient == [1, 0])
        #expect(try gradient("min(x, y)", at: ["x": 2, "y": 1]).gradient == [0, 1])
        // Both halves reach the same variable.
        #expect(try gradient("max(x, x)", at: ["x": 3]).gradient == [1])
        // A constant side takes its half with it, as in torch.
        #expect(try gradient("max(x, 1)", at: ["x": 1]).gradient == [0.5])
    }

    @Test func minAndMaxPropagateNaN() throws {
        #expect(try gradient("max(x, y)", at: ["x": .nan, "y": 1]).value.isNaN)
        #expect(try gradient("min(x, y)", at: ["x": 1, "y": .nan]).value.isNaN)
    }

    @Test func constantExponentZeroHasNoGradient() throws {
        #expect(try gradient("x^0", at: ["x": 0]).gradient == [0])
        #expect(try gradient("x^0", at: ["x": 0]).value == 1)
    }

    // MARK: - What gets emitted

    @Test func partsNotDependingOnRespectAreNotDifferentiated() throws {
        let f = try Expression.parse("sin(x)*cos(y)")
        let program = Program.valueAndGradient(of: f, inputs: ["x", "y"], respect: ["x"])
        // d/dx needs cos(x) and cos(y); sin(y) (from d cos(y)/dy) must not appear.
        let sines = program.instructions.filter { if case .unary(.sin, _) = $0 { true } else { false } }
        #expect(sines.count == 1)
        #expect(program.outputCount == 2)
        let outputs = program.evaluate([0.3, 1.1])
        #expect(outputs[1] == _cos(0.3) * _cos(1.1))
    }

    @Test func unusedAndUnknownVariables() throws {
        let f = try Expression.parse("x*z")
        let program = Program.valueAndGradient(of: f, inputs: ["x", "y"], respect: ["x", "y", "w"])
        let outputs = program.evaluate([2.0, 5.0])
        // z is not an input: it reads as NaN, like Expression.evaluate.
        #expect(outputs[0].isNaN)
        #expect(outputs[2] == 0)
        #expect(outputs[3] == 0)
        #expect(f.evaluate(["x": 2]).isNaN)
    }

    @Test func valueOnlyProgram() throws {
        let program = Program.value(of: try Expression.parse("weight*x + bias"), inputs: ["weight", "bias", "x"])
        #expect(program.outputCount == 1)
        #expect(program.evaluate([2.0, 1.0, 3.0]) == [7])
        #expect(program.evaluate([Float(2), 1, 3]) == [Float(7)])
    }

    @Test func powerIsCPowForNegativeBases() throws {
        // RealModule's pow is NaN for any negative base; torch.pow and C's are not.
        let program = Program.value(of: try Expression.parse("x^y"), inputs: ["x", "y"])
        #expect(program.evaluate([-2.0, 3.0]) == [-8])
        #expect(program.evaluate([Float(-2), 4]) == [Float(16)])
        #expect(try Expression.parse("(-2)^5").evaluate([:]) == -32)
    }

    @Test func constantsAreFolded() throws {
        let program = Program.value(of: try Expression.parse("x*(2*pi/4) + sqrt(16) - 2^3"), inputs: ["x"])
        // x, 2*pi/4 folded, multiply, sqrt(16) folded, add, 2^3 folded,
        // subtract: (x*c + 4) - 8 is not reassociated, since that could round differently.
        #expect(program.instructionCount == 7)
        #expect(program.evaluate([1.0]) == [Double.pi / 2 + 4 - 8])
    }
}

private func _cos(_ x: Double) -> Double { Double.cos(x) }
