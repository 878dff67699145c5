import Foundation
import Testing
import GradlabMath
@testable import GradlabCore
import GradlabTestSupport

/// Hessians by reverse-over-reverse on the expression engine (issue 14),
/// against torch.autograd.functional.hessian in float64
/// (`Tests/Fixtures/curvature/hessians.json`, from
/// `Benchmarks/reference/make_hessian_fixtures.py`).
@Suite("Curvature: Hessians, eigenvalues and 2/λmax")
struct CurvatureTests {
    struct Case: Sendable, CustomStringConvertible {
        var expression: String
        var at: [Double]
        var value: Double
        var gradient: [Double]
        var hessian: [[Double]]
        var description: String { "\(expression) at \(at)" }
    }

    static let cases: [Case] = {
        let url = Fixtures.directory.appendingPathComponent("curvature/hessians.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = object["cases"] as? [[String: Any]] else { return [] }
        return cases.compactMap { c in
            guard let e = c["expression"] as? String, let at = c["at"] as? [Double], let v = c["value"] as? Double,
                  let g = c["gradient"] as? [Double], let h = c["hessian"] as? [[Double]] else { return nil }
            return Case(expression: e, at: at, value: v, gradient: g, hessian: h)
        }
    }()

    @Test func theFixturesAreThere() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func hessianMatchesTorch(_ c: Case) throws {
        let curvature = try Curvature.landscape(function: c.expression, at: c.at)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-10 * max(1, abs(b)) }
        #expect(close(curvature.value, c.value), "value \(curvature.value) vs \(c.value)")
        #expect(zip(curvature.gradient, c.gradient).allSatisfy(close), "gradient \(curvature.gradient) vs \(c.gradient)")
        for (row, expected) in zip(curvature.hessian, c.hessian) {
            #expect(zip(row, expected).allSatisfy(close), "Hessian \(curvature.hessian) vs \(c.hessian)")
        }
    }

    /// The eigen-decomposition reproduces the matrix: H v = λ v, vectors unit and ascending.
    @Test(arguments: cases.prefix(20))
    func eigenpairsReproduceTheHessian(_ c: Case) throws {
        let curvature = try Curvature.landscape(function: c.expression, at: c.at)
        #expect(curvature.eigenvalues == curvature.eigenvalues.sorted())
        let scale = max(1, curvature.eigenvalues.map(abs).max() ?? 1)
        for (lambda, v) in zip(curvature.eigenvalues, curvature.eigenvectors) {
            let hv = curvature.hessian.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } }
            #expect(zip(hv, v).allSatisfy { abs($0 - lambda * $1) <= 1e-9 * scale }, "\(c)")
            #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-12)
        }
    }

    @Test func theCriticalRateIsTwoOverTheLargestEigenvalue() throws {
        let bowl = try Curvature.landscape(function: "x1^2 + 10*x2^2", at: [3, -1])
        #expect(bowl.eigenvalues == [2, 20])
        #expect(bowl.criticalLearningRate == 0.1)
        #expect(bowl.conditionNumber == 10)
        // A flat direction: infinite; no curvature at all: undefined.
        #expect(Curvature(value: 0, gradient: [0, 0], hessian: [[1, 0], [0, 0]]).conditionNumber == .infinity)
        #expect(Curvature(value: 0, gradient: [0, 0], hessian: [[0, 0], [0, 0]]).conditionNumber.isNaN)
        let saddle = try Curvature.landscape(function: "-(x1^2) - x2^2", at: [0, 0])
        #expect(saddle.criticalLearningRate == nil, "λmax ≤ 0: no critical rate")
        let three = SymmetricEigen.decompose([[4, 1, 0], [1, 3, 1], [0, 1, 2]]).0
        #expect(abs(three.reduce(0, +) - 9) < 1e-12, "the trace is the eigenvalues' sum")
    }

    /// On the quadratic lab the loss is a quadratic in (a, b, c): its
    /// Hessian is 2·mean(φφᵀ) with φ = (t², t, 1), whatever the parameters.
    @Test func theQuadraticLabsHessianIsTwiceTheMeanOuterProduct() async throws {
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        let dataset = try await Session(config: config).dataset
        let curvature = try Curvature.loss(config: config, dataset: dataset, at: [0.3, -1, 2])
        let again = try Curvature.loss(config: config, dataset: dataset, at: [5, 5, 5])
        let n = Double(dataset.trainInputs.count)
        for i in 0..<3 {
            for j in 0..<3 {
                let expected = 2 * dataset.trainInputs.reduce(0) { sum, t in
                    let phi = [t * t, t, 1.0]
                    return sum + phi[i] * phi[j]
                } / n
                #expect(abs(curvature.hessian[i][j] - expected) <= 1e-9 * max(1, abs(expected)))
                #expect(abs(again.hessian[i][j] - expected) <= 1e-9 * max(1, abs(expected)))
            }
        }
        // The tutorial's lr 1e-5 is below 2/λmax: the example converges.
        #expect((curvature.criticalLearningRate ?? 0) > 1e-5)
    }
}
