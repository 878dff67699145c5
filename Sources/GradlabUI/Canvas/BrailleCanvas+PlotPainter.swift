/// The terminal's painter: shapes from GradlabPlot draw in braille (or
/// blocks, or ASCII) through the canvas's own clipped polylines.
extension BrailleCanvas: PlotPainter {
    public mutating func polyline(_ points: [SIMD2<Double>], color: Color) {
        plotPath(points, color: color)
    }
}
