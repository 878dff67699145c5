import Foundation
import Testing
@testable import GradlabUI

/// Compares a screen's text with `Snapshots/<name>.txt`.
///
/// With `GRADLAB_RECORD_SNAPSHOTS=1` it writes the golden into the source
/// tree instead (then rebuild, since the bundle holds a copy).
func assertSnapshot(_ screen: Screen, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let actual = screen.lines.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["GRADLAB_RECORD_SNAPSHOTS"] == "1" {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Snapshots/\(name).txt")
        do {
            try actual.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            Issue.record("could not record \(url.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Snapshots"),
          let expected = try? String(contentsOf: url, encoding: .utf8)
    else {
        Issue.record("""
            missing golden Snapshots/\(name).txt; record it with
              GRADLAB_RECORD_SNAPSHOTS=1 swift test --filter GradlabUITests
            then review the file and run the tests again. The frame was:
            \(actual)
            """, sourceLocation: sourceLocation)
        return
    }
    if expected != actual {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expectedLines.count, actualLines.count)
        Issue.record("""
            snapshot \(name) differs from line \(firstDifference + 1) \
            (re-record with GRADLAB_RECORD_SNAPSHOTS=1 if the change is intended)
            expected:
            \(expected)
            actual:
            \(actual)
            """, sourceLocation: sourceLocation)
    }
}

/// Plain gradient descent on f(x, y) = x² + 3y², a test landscape with a known shape.
func descent(from start: SIMD2<Double>, rate: Double, steps: Int) -> [SIMD2<Double>] {
    var p = start
    var points = [p]
    for _ in 0..<steps {
        p -= rate * SIMD2(2 * p.x, 6 * p.y)
        points.append(p)
    }
    return points
}

/// The test landscape sampled on a grid.
func bowlField(columns: Int, rows: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) -> ScalarField {
    ScalarField(columns: columns, rows: rows, xRange: xRange, yRange: yRange) { x, y in x * x + 3 * y * y }
}
