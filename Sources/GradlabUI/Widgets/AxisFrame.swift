/// The frame shared by the plots: a header row (y axis name on the left,
/// legend or colour bar on the right), the plot, a left axis with tick labels
/// and a bottom axis with tick labels and the x axis name.
///
/// ```
/// x2                  f -2.1 ▕██████▏ 3.4
///  2┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀
///  0┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀
/// -2┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀
///   └┬──────┬───────
///   -2      0     x1
/// ```
///
/// Every tick carries its value: one whose label has no room (under the
/// axis name, past the label column) is not drawn.
struct AxisFrame {
    /// The ranges plotted, in plot space (log10 of the value on a log axis).
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    var xName: String
    var yName: String
    var yLog = false
    /// Epoch axes: ticks at whole numbers only.
    var xIntegers = false

    struct Layout {
        /// Where the canvas goes.
        var plot: Rect
        /// The row above the plot for the y name and the legend.
        var header: Rect
        var yTicks: [Double]
        var yStep: Double
        /// Whether there was room for axes at all.
        var hasAxes: Bool
    }

    /// Below this size the plot takes the whole area and axes are left out.
    static let minimumWidth = 14
    static let minimumHeight = 5

    func layout(in area: Rect) -> Layout {
        guard area.width >= Self.minimumWidth, area.height >= Self.minimumHeight else {
            return Layout(plot: area, header: Rect(x: area.x, y: area.y, width: area.width, height: 0),
                          yTicks: [], yStep: 1, hasAxes: false)
        }
        let plotHeight = area.height - 3
        let maxTicks = max(2, (plotHeight + 1) / 3)
        let yTicks: [Double], yStep: Double
        if yLog {
            yTicks = Ticks.logarithmic(yRange, maxCount: maxTicks)
            yStep = 1
        } else {
            (yTicks, yStep) = Ticks.linear(yRange, maxCount: maxTicks)
        }
        let labelWidth = min(area.width / 3, yTicks.map { yLabel($0, step: yStep).count }.max() ?? 1)
        let plot = Rect(x: area.x + labelWidth + 1, y: area.y + 1,
                        width: area.width - labelWidth - 2, height: plotHeight)
        return Layout(plot: plot, header: Rect(x: area.x, y: area.y, width: area.width, height: 1),
                      yTicks: yTicks, yStep: yStep, hasAxes: true)
    }

    func yLabel(_ value: Double, step: Double) -> String {
        yLog ? Ticks.logLabel(value) : Ticks.label(value, step: step)
    }

    /// Draws axes, tick labels and axis names around `layout.plot`, placing
    /// ticks with the canvas's own data-to-dot mapping so they line up with the data.
    func draw(_ layout: Layout, canvas: BrailleCanvas, into screen: inout Screen,
              area: Rect, theme: Theme, caps: Capabilities) {
        guard layout.hasAxes else { return }
        let box = caps.glyphs.box
        let plot = layout.plot
        let axisStyle = Style(fg: theme.border, bg: theme.background)
        let labelStyle = Style(fg: theme.muted, bg: theme.background)
        let nameStyle = Style(fg: theme.foreground, bg: theme.background, bold: caps.isMonochrome)
        let axisColumn = plot.x - 1, axisRow = plot.maxY

        // Left axis.
        for row in plot.y..<plot.maxY { screen.put(box.vertical, x: axisColumn, y: row, style: axisStyle) }
        for tick in layout.yTicks {
            let dotY = canvas.dotPosition(x: canvas.xRange.lowerBound, y: tick).y
            guard dotY > -0.5, dotY < Double(canvas.dotHeight) - 0.5 else { continue }
            let row = plot.y + BrailleCanvas.roundInRange(dotY) / caps.glyphs.dotRows
            // A tick is drawn with its whole value or not at all: a clipped
            // label (`.5` of `-0.5`) or none would misstate the axis.
            let text = yLabel(tick, step: layout.yStep)
            guard text.count <= axisColumn - area.x else { continue }
            screen.put(box.leftTick, x: axisColumn, y: row, style: axisStyle)
            screen.put(text, x: axisColumn - text.count, y: row, style: labelStyle)
        }

        // Bottom axis.
        screen.put(box.axisCorner, x: axisColumn, y: axisRow, style: axisStyle)
        for column in plot.x..<plot.maxX { screen.put(box.horizontal, x: column, y: axisRow, style: axisStyle) }
        let labelRow = axisRow + 1
        let name = xName.isEmpty ? "" : " " + xName
        let nameStart = area.maxX - name.count
        screen.put(name, x: nameStart, y: labelRow, style: nameStyle, clip: area)
        var freeFrom = area.x
        for (tick, text) in xTicks(plotWidth: plot.width) {
            let dotX = canvas.dotPosition(x: tick, y: canvas.yRange.lowerBound).x
            guard dotX > -0.5, dotX < Double(canvas.dotWidth) - 0.5 else { continue }
            let column = plot.x + BrailleCanvas.roundInRange(dotX) / caps.glyphs.dotColumns
            // Centre the label under its tick, nudged inside the area; a tick
            // whose label would touch the previous one or the axis name is
            // left out with it: a tick without its value (the last one, under
            // the name) reads as a value it does not give.
            let start = min(max(area.x, column - text.count / 2), area.maxX - text.count)
            guard start >= freeFrom, start + text.count <= nameStart else { continue }
            screen.put(box.bottomTick, x: column, y: axisRow, style: axisStyle)
            screen.put(text, x: start, y: labelRow, style: labelStyle, clip: area)
            freeFrom = start + text.count + 1
        }

        // y name in the header row.
        screen.put(yName, x: area.x, y: layout.header.y, style: nameStyle, clip: layout.header)
    }

    /// As many x ticks as fit with two spaces between labels.
    private func xTicks(plotWidth: Int) -> [(Double, String)] {
        var count = max(2, plotWidth / 6)
        while true {
            let labels = LinearScale(domain: xRange, range: 0...Double(plotWidth)).ticks(maxCount: count, integers: xIntegers)
            let widest = labels.map(\.label.count).max() ?? 0
            if count <= 2 || labels.count * (widest + 2) <= plotWidth { return labels.map { ($0.value, $0.label) } }
            count -= 1
        }
    }
}
