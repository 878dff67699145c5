import Testing
@testable import GradlabUI

/// Every tick an axis draws carries its value (the plane's last x tick sat
/// under the axis name, `┬` over `x1`; a narrow plot cut `-0.5` to `.5`).
@Suite struct AxisTruthTests {
    /// The maximal run of non-space characters of `line` covering `column`.
    static func word(in line: [Character], at column: Int) -> String? {
        guard line.indices.contains(column), line[column] != " " else { return nil }
        var start = column, end = column
        while start > 0, line[start - 1] != " " { start -= 1 }
        while end + 1 < line.count, line[end + 1] != " " { end += 1 }
        return String(line[start...end])
    }

    /// Checks every x tick (`┬`) has a number under it and every y tick
    /// (`┤`) a whole tick label before it; returns how many ticks it saw.
    @discardableResult
    static func expectEveryTickLabelled(_ screen: Screen, labels yLabels: Set<String>,
                                        sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let lines = screen.lines.map(Array.init)
        var ticks = 0
        for (y, line) in lines.enumerated() {
            for (x, character) in line.enumerated() {
                if character == "┬", y + 1 < lines.count {
                    ticks += 1
                    let label = word(in: lines[y + 1], at: x) ?? word(in: lines[y + 1], at: x - 1) ?? word(in: lines[y + 1], at: x + 1)
                    #expect(label.flatMap { Double($0) } != nil, "x tick at \(x),\(y) labelled \(label ?? "nothing")",
                            sourceLocation: sourceLocation)
                }
                if character == "┤" {
                    ticks += 1
                    let label = String(line[..<x]).split(separator: " ").last.map(String.init)
                        .map { $0.hasPrefix("│") ? String($0.dropFirst()) : $0 } ?? ""
                    #expect(yLabels.contains(label), "y tick at \(x),\(y) labelled '\(label)'", sourceLocation: sourceLocation)
                }
            }
        }
        return ticks
    }

    @Test(arguments: [30, 41, 50, 60, 77, 90])
    func thePlanesTicksAllCarryTheirValues(width: Int) {
        var plane = WidgetSnapshotTests.plane()
        plane.field = nil
        var screen = Screen(width: width, height: 20)
        plane.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let labels = Set(stride(from: -2.0, through: 2.0, by: 0.5).map { Ticks.label($0, step: 0.5) }
                         + stride(from: -2.0, through: 2.0, by: 1).map { Ticks.label($0, step: 1) })
        #expect(Self.expectEveryTickLabelled(screen, labels: labels) > 4)
        // The x axis's name is still there, at the end of the label row.
        #expect(screen.lines[18].hasSuffix("x1│"), "\(screen.lines[18])")
    }

    /// A y label wider than the room left for labels is not drawn cut.
    @Test func aYLabelWithNoRoomIsNotCut() {
        let plane = ParameterPlane(title: "Plane", xRange: 0...1, yRange: 1000.1...1000.9)
        var screen = Screen(width: 18, height: 12)
        plane.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        #expect(screen.lines.contains { $0.contains("└") }, "axes drawn:\n\(screen.lines.joined(separator: "\n"))")
        let labels = Set(stride(from: 1000.0, through: 1001, by: 0.1).map { Ticks.label($0, step: 0.1) }
                         + stride(from: 1000.0, through: 1001, by: 0.2).map { Ticks.label($0, step: 0.2) })
        Self.expectEveryTickLabelled(screen, labels: labels)
    }

    /// The loss chart's last epoch tick sat under `epoch`.
    @Test(arguments: [28, 44, 60])
    func theLossChartsTicksAllCarryTheirValues(width: Int) {
        let chart = DashboardTests.model().loss
        var screen = Screen(width: width, height: 12)
        chart.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let labels = Set((-6...2).map { Ticks.logLabel(Double($0)) })
        #expect(Self.expectEveryTickLabelled(screen, labels: labels) > 3, "\n\(screen.lines.joined(separator: "\n"))")
        #expect(screen.lines[10].hasSuffix("epoch│"))
    }
}
