import Foundation
import Testing
import GradlabMath
@testable import GradlabCore

/// f and its gradient through gradlab's own compiler, as a lab runs them.
private struct Compiled {
    let program: Program

    init(_ function: TestFunction) throws {
        let expression = try Expression.parse(function.expression, variables: ["x1", "x2"])
        program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
    }

    func callAsFunction(_ point: SIMD2<Double>) -> (value: Double, gradient: SIMD2<Double>) {
        let out: [Double] = program.evaluate([point.x, point.y])
        return (out[0], SIMD2(out[1], out[2]))
    }
}

private func valueAndGradient(_ function: TestFunction, _ point: SIMD2<Double>) throws -> (value: Double, gradient: SIMD2<Double>) {
    try Compiled(function)(point)
}

@Suite("Named test functions")
struct TestFunctionTests {
    static let names = TestFunction.catalogue.map(\.name)

    @Test(arguments: names)
    func expressionParsesInX1AndX2(_ name: String) throws {
        let function = try TestFunction.lookup(name)
        let expression = try Expression.parse(function.expression, variables: ["x1", "x2"])
        #expect(expression.variables == ["x1", "x2"])
        #expect(function.domain.count == 4 && function.domain[0] < function.domain[1] && function.domain[2] < function.domain[3])
    }

    @Test(arguments: names)
    func globalMinimaHaveTheMinimumValueAndNoGradient(_ name: String) throws {
        let function = try TestFunction.lookup(name)
        for minimum in function.minima {
            let (value, gradient) = try valueAndGradient(function, minimum)
            let expected = try #require(function.minimumValue)
            #expect(abs(value - expected) <= 1e-9, "\(name) at \(minimum): f = \(value), listed \(expected)")
            if !function.hasKinkAtMinimum {
                #expect(abs(gradient.x) <= 1e-7 && abs(gradient.y) <= 1e-7, "\(name) at \(minimum): gradient \(gradient)")
            }
        }
    }

    @Test(arguments: names)
    func localMinimaAreStationaryAndHigher(_ name: String) throws {
        let function = try TestFunction.lookup(name)
        for minimum in function.localMinima {
            let (value, gradient) = try valueAndGradient(function, minimum)
            #expect(value > (function.minimumValue ?? -.infinity) + 1e-6)
            #expect(abs(gradient.x) <= 1e-7 && abs(gradient.y) <= 1e-7, "\(name) at \(minimum): gradient \(gradient)")
        }
    }

    @Test(arguments: names)
    func everyListedMinimumIsAMinimumInsideTheDomain(_ name: String) throws {
        let function = try TestFunction.lookup(name)
        let d = function.domain
        let f = try Compiled(function)
        for minimum in function.allMinima {
            #expect(minimum.x > d[0] && minimum.x < d[1] && minimum.y > d[2] && minimum.y < d[3])
            let center = f(minimum).value
            // No direction goes down from a minimum.
            for angle in stride(from: 0.0, to: 2 * Double.pi, by: Double.pi / 8) {
                let step = SIMD2(cos(angle), sin(angle)) * 1e-3
                #expect(f(minimum + step).value >= center, "\(name) goes down from \(minimum) at angle \(angle)")
            }
        }
    }

    @Test(arguments: names)
    func nothingInTheDomainIsBelowTheMinimum(_ name: String) throws {
        let function = try TestFunction.lookup(name)
        let d = function.domain
        let f = try Compiled(function)
        var lowest = Double.infinity
        for i in 0...60 {
            for j in 0...60 {
                let point = SIMD2(d[0] + (d[1] - d[0]) * Double(i) / 60, d[2] + (d[3] - d[2]) * Double(j) / 60)
                lowest = min(lowest, f(point).value)
            }
        }
        if let minimum = function.minimumValue {
            #expect(lowest >= minimum - 1e-9)
        } else {
            // Saddle: nothing listed, and the corners go well below f(0, 0).
            #expect(lowest < -1)
        }
    }

    @Test func ackleysMinimumIsAKink() throws {
        let ackley = try TestFunction.lookup("ackley")
        #expect(ackley.hasKinkAtMinimum)
        // sqrt at 0 has an infinite slope: the gradient is NaN exactly there,
        // as torch.autograd gives, and finite and pointing inward next to it.
        let (_, atMinimum) = try valueAndGradient(ackley, SIMD2(0, 0))
        #expect(!atMinimum.x.isFinite)
        let (_, beside) = try valueAndGradient(ackley, SIMD2(1e-3, 0))
        #expect(beside.x > 1 && beside.y == 0)
    }

    @Test func saddleHasNoMinimum() throws {
        let saddle = try TestFunction.lookup("saddle")
        #expect(saddle.minima.isEmpty && saddle.minimumValue == nil)
        let (value, gradient) = try valueAndGradient(saddle, SIMD2(0, 0))
        #expect(value == 0 && gradient == SIMD2(0, 0))
        #expect(try valueAndGradient(saddle, SIMD2(0.1, 0)).value > 0)
        #expect(try valueAndGradient(saddle, SIMD2(0, 0.1)).value < 0)
    }

    @Test func tutorialIsTheLabDefaultWithItsMinima() {
        #expect(TestFunction.catalogue.first?.name == "tutorial")
        #expect(TestFunction.tutorial.expression == LabConfig.tutorialFunction)
        #expect(TestFunction.tutorial.minima == [SIMD2(4.411326395856935, 2 * Double.pi)])
        #expect(TestFunction.tutorial.localMinima.count == 4)
    }

    @Test func catalogueHasTheIssuesFunctions() {
        #expect(Self.names == ["tutorial", "rosenbrock", "himmelblau", "rastrigin", "beale", "booth",
                               "ackley", "goldstein-price", "six-hump-camel", "saddle"])
        #expect(TestFunction.named("himmelblau")?.minima.count == 4)
        #expect(TestFunction.named("six-hump-camel")?.minima.count == 2)
    }

    @Test(arguments: [
        ("six-hump-camel", "six-hump-camel"), ("sixhump", "six-hump-camel"), ("Six_Hump_Camel", "six-hump-camel"),
        ("camel", "six-hump-camel"), ("goldstein-price", "goldstein-price"), ("GoldsteinPrice", "goldstein-price"),
        ("goldstein", "goldstein-price"), ("ROSENBROCK", "rosenbrock"), ("default", "tutorial"), (" booth ", "booth"),
    ])
    func namesAreForgiving(_ given: String, _ canonical: String) {
        #expect(TestFunction.named(given)?.name == canonical)
    }

    @Test func unknownNameListsTheKnownOnes() {
        #expect(TestFunction.named("rosenbrok") == nil)
        #expect(throws: GradlabError("unknown function 'rosenbrok' (known: tutorial, rosenbrock, himmelblau, rastrigin, beale, booth, ackley, goldstein-price, six-hump-camel, saddle; or give an expression in x1 and x2)")) {
            try TestFunction.lookup("rosenbrok")
        }
    }

    @Test func listingIsAnAlignedTable() throws {
        let lines = TestFunction.listing.split(separator: "\n").map(String.init)
        #expect(lines.count == TestFunction.catalogue.count + 1)
        #expect(lines[0].hasPrefix("NAME"))
        // The expression column starts at the same place on every line.
        let starts = try zip(lines.dropFirst(), TestFunction.catalogue).map { line, function in
            try #require(line.range(of: function.expression)).lowerBound.utf16Offset(in: line)
        }
        #expect(Set(starts).count == 1)
        #expect(lines[0].range(of: "f(x1, x2)")?.lowerBound.utf16Offset(in: lines[0]) == starts.first)
        #expect(lines.contains { $0.hasPrefix("himmelblau") && $0.contains("(3, 2) (-2.8051, 3.1313) (-3.7793, -3.2832) (3.5844, -1.8481)") })
        #expect(lines.contains { $0.hasPrefix("saddle") && $0.contains("none") && $0.contains("unbounded below") })
        #expect(lines.contains { $0.hasPrefix("tutorial") && $0.contains("[0, 10] x [0, 10]") && $0.contains("-1.7602") && $0.contains("+4 local") })
    }
}

@Suite("Basins")
struct BasinClassifierTests {
    @Test func nearestMinimumWithinTolerance() {
        let basins = BasinClassifier(minima: [SIMD2(0, 0), SIMD2(1, 0)], tolerance: 0.3)
        #expect(basins.basin(of: SIMD2(0.1, 0.1)) == 0)
        #expect(basins.basin(of: SIMD2(0.8, 0)) == 1)
        #expect(basins.basin(of: SIMD2(0.5, 0.5)) == nil)
        #expect(basins.basin(of: SIMD2(.nan, 0)) == nil)
        #expect(basins.basin(of: SIMD2(.infinity, 0)) == nil)
    }

    @Test func tiesGoToTheLowerIndex() {
        let basins = BasinClassifier(minima: [SIMD2(-1, 0), SIMD2(1, 0)], tolerance: 2)
        #expect(basins.basin(of: SIMD2(0, 0)) == 0)
        #expect(basins.basin(of: SIMD2(0.01, 0)) == 1)
    }

    @Test func countsPerMinimumAndNone() {
        let basins = BasinClassifier(minima: [SIMD2(0, 0), SIMD2(5, 5)], tolerance: 1)
        let points = [SIMD2(0.5, 0), SIMD2(5, 5.2), SIMD2(4.9, 5), SIMD2(2, 2), SIMD2(.nan, .nan)]
        #expect(basins.classify(points) == [0, 1, 1, nil, nil])
        let counts = basins.counts(points)
        #expect(counts.perMinimum == [1, 2] && counts.none == 2)
    }

    @Test func defaultToleranceIsOnePercentOfTheDiagonal() {
        let basins = BasinClassifier(function: .tutorial)
        #expect(abs(basins.tolerance - 0.01 * 200.0.squareRoot()) < 1e-15)
        #expect(basins.minima.count == 5)
        #expect(basins.basin(of: SIMD2(4.45, 6.3)) == 0)
        #expect(basins.basin(of: SIMD2(7.92, 9.79)) == 4)
    }

    @Test func descentOnHimmelblauFillsAllFourBasins() throws {
        // Plain gradient descent from a grid of starts, through gradlab's
        // compiler and SGD: every point ends in one of the four minima, and
        // each minimum gets some.
        let himmelblau = try TestFunction.lookup("himmelblau")
        let expression = try Expression.parse(himmelblau.expression, variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        var starts: [SIMD2<Double>] = []
        for i in 0..<5 {
            for j in 0..<5 { starts.append(SIMD2(-4 + 2 * Double(i), -4 + 2 * Double(j))) }
        }
        let n = starts.count
        var params: [Double] = starts.map { $0.x } + starts.map { $0.y }
        var grads = [Double](repeating: 0, count: 2 * n)
        var config = OptimizerConfig(kind: .sgd)
        config.lr = 0.01
        let sgd = makeOptimizer(config, scalar: Double.self)
        for _ in 0..<500 {
            for i in 0..<n {
                let out: [Double] = program.evaluate([params[i], params[n + i]])
                (grads[i], grads[n + i]) = (out[1], out[2])
            }
            sgd.step(parameters: &params, gradients: grads, count: 2 * n)
        }
        let finals: [SIMD2<Double>] = (0..<n).map { SIMD2(params[$0], params[n + $0]) }
        let counts = BasinClassifier(function: himmelblau).counts(finals)
        #expect(counts.none == 0)
        #expect(counts.perMinimum.allSatisfy { $0 > 0 }, "\(counts.perMinimum)")
    }
}
