/// A point on a canvas's dot grid: x to the right, y downward.
public struct DotPoint: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// A grid of dots over a block of cells, for plots drawn in the foreground.
///
/// With the braille glyph set each cell holds 2×4 dots and shows as
/// U+2800 plus one bit per dot (left column 0x01 0x02 0x04 0x40, right column
/// 0x08 0x10 0x20 0x80); the block and ASCII sets hold 1×2 (top, bottom).
/// Each cell has one foreground colour: the last dot written decides it, so
/// whatever is drawn last (the selected trajectory) stays on top.
///
/// Data coordinates map linearly onto the dots, y up: `xRange.lowerBound`
/// is the left dot column's centre and `yRange.upperBound` the top row's.
public struct BrailleCanvas: Sendable {
    /// Size in cells.
    public let width: Int
    public let height: Int
    public let glyphs: GlyphSet
    /// Size in dots.
    public let dotWidth: Int
    public let dotHeight: Int
    /// The data window mapped onto the dots.
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>

    /// Dot bits per cell, row-major.
    private(set) var bits: [UInt8]
    /// Foreground per cell, row-major.
    private(set) var colors: [Color]
    private let shiftX: Int
    private let shiftY: Int
    private let bitTable: [UInt8]

    /// - Parameters:
    ///   - width: cells across.
    ///   - height: cells down.
    ///   - glyphs: decides the dots per cell.
    ///   - xRange: data x shown from the left to the right dot column.
    ///   - yRange: data y shown from the bottom to the top dot row.
    public init(
        width: Int, height: Int, glyphs: GlyphSet = .braille,
        xRange: ClosedRange<Double> = 0...1, yRange: ClosedRange<Double> = 0...1
    ) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.glyphs = glyphs
        dotWidth = self.width * glyphs.dotColumns
        dotHeight = self.height * glyphs.dotRows
        self.xRange = xRange
        self.yRange = yRange
        bits = [UInt8](repeating: 0, count: self.width * self.height)
        colors = [Color](repeating: .default, count: self.width * self.height)
        if glyphs == .braille {
            shiftX = 1
            shiftY = 2
            // Index: (dotY % 4) * 2 + dotX % 2.
            bitTable = [0x01, 0x08, 0x02, 0x10, 0x04, 0x20, 0x40, 0x80]
        } else {
            shiftX = 0
            shiftY = 1
            bitTable = [0x01, 0x02]
        }
    }

    // MARK: - Dots

    /// Lights one dot (ignored outside the grid).
    @inline(__always)
    public mutating func set(dotX: Int, dotY: Int, color: Color) {
        guard dotX >= 0, dotX < dotWidth, dotY >= 0, dotY < dotHeight else { return }
        setUnchecked(dotX, dotY, color)
    }

    @inline(__always)
    private mutating func setUnchecked(_ dotX: Int, _ dotY: Int, _ color: Color) {
        let cell = (dotY >> shiftY) * width + (dotX >> shiftX)
        let maskY = (1 << shiftY) - 1, maskX = (1 << shiftX) - 1
        bits[cell] |= bitTable[((dotY & maskY) << shiftX) | (dotX & maskX)]
        colors[cell] = color
    }

    /// Whether any dot of a cell is lit.
    public func hasDots(column: Int, row: Int) -> Bool {
        guard column >= 0, column < width, row >= 0, row < height else { return false }
        return bits[row * width + column] != 0
    }

    /// A straight line of dots, both ends included (Bresenham). Parts outside
    /// the grid are dropped dot by dot; use ``plotLine(from:to:color:)`` for
    /// far-away data points, which clips first.
    public mutating func line(from start: DotPoint, to end: DotPoint, color: Color) {
        var x = start.x, y = start.y
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let stepX = x < end.x ? 1 : -1, stepY = y < end.y ? 1 : -1
        var error = dx + dy
        while true {
            set(dotX: x, dotY: y, color: color)
            if x == end.x && y == end.y { return }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                x += stepX
            }
            if doubled <= dx {
                error += dx
                y += stepY
            }
        }
    }

    // MARK: - Data coordinates

    /// Dot-space position of a data point, unrounded (may lie outside the grid).
    @inline(__always)
    public func dotPosition(x: Double, y: Double) -> (x: Double, y: Double) {
        let scale = mapping
        return ((x - scale.x0) * scale.sx, (scale.y1 - y) * scale.sy)
    }

    /// The dot a data point falls on, or nil outside the grid or not finite.
    public func dot(x: Double, y: Double) -> DotPoint? {
        let p = dotPosition(x: x, y: y)
        guard p.x >= -0.5, p.x < Double(dotWidth) - 0.5, p.y >= -0.5, p.y < Double(dotHeight) - 0.5 else {
            return nil
        }
        return DotPoint(x: Int(p.x + 0.5), y: Int(p.y + 0.5))
    }

    /// Lights the dot under a data point.
    public mutating func plot(x: Double, y: Double, color: Color) {
        if let d = dot(x: x, y: y) { setUnchecked(d.x, d.y, color) }
    }

    /// A line between two data points, clipped to the grid first so a point
    /// that diverged to 1e30 costs no more than one on screen.
    public mutating func plotLine(from a: SIMD2<Double>, to b: SIMD2<Double>, color: Color) {
        let p = dotPosition(x: a.x, y: a.y), q = dotPosition(x: b.x, y: b.y)
        rasterizeClipped(p.x, p.y, q.x, q.y, color)
    }

    /// A polyline through data points. Non-finite points break the line.
    ///
    /// This is the hot path for thousands of long trajectories: consecutive
    /// points on the same dot cost one comparison, neighbouring dots skip
    /// Bresenham, and only segments leaving the grid pay for clipping.
    public mutating func plotPath(_ points: [SIMD2<Double>], color: Color) {
        guard dotWidth > 0, dotHeight > 0, !points.isEmpty else { return }
        let scale = mapping
        let limitX = Double(dotWidth) - 0.5, limitY = Double(dotHeight) - 0.5
        var previous = (x: 0.0, y: 0.0)
        var havePrevious = false, previousInside = false
        var lastX = 0, lastY = 0
        for point in points {
            let fx = (point.x - scale.x0) * scale.sx, fy = (scale.y1 - point.y) * scale.sy
            guard fx.isFinite, fy.isFinite else {
                havePrevious = false
                continue
            }
            let inside = fx >= -0.5 && fx < limitX && fy >= -0.5 && fy < limitY
            if inside {
                let ix = Int(fx + 0.5), iy = Int(fy + 0.5)
                if havePrevious && previousInside {
                    if ix != lastX || iy != lastY {
                        if abs(ix - lastX) <= 1 && abs(iy - lastY) <= 1 {
                            setUnchecked(ix, iy, color)
                        } else {
                            line(from: DotPoint(x: lastX, y: lastY), to: DotPoint(x: ix, y: iy), color: color)
                        }
                    }
                } else if havePrevious {
                    rasterizeClipped(previous.x, previous.y, fx, fy, color)
                } else {
                    setUnchecked(ix, iy, color)
                }
                lastX = ix
                lastY = iy
            } else if havePrevious {
                rasterizeClipped(previous.x, previous.y, fx, fy, color)
            }
            previous = (fx, fy)
            havePrevious = true
            previousInside = inside
        }
    }

    /// Linear map from data to dots; degenerate ranges map to the middle.
    private var mapping: (x0: Double, sx: Double, y1: Double, sy: Double) {
        let spanX = xRange.upperBound - xRange.lowerBound
        let spanY = yRange.upperBound - yRange.lowerBound
        let sx = spanX > 0 ? Double(max(0, dotWidth - 1)) / spanX : 0
        let sy = spanY > 0 ? Double(max(0, dotHeight - 1)) / spanY : 0
        return (xRange.lowerBound, sx, yRange.upperBound, sy)
    }

    /// Clips a dot-space segment to the grid (Liang–Barsky), then draws it.
    private mutating func rasterizeClipped(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color) {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return }
        let minimum = -0.5, limitX = Double(dotWidth) - 0.5001, limitY = Double(dotHeight) - 0.5001
        let dx = x1 - x0, dy = y1 - y0
        var t0 = 0.0, t1 = 1.0
        for (p, q) in [(-dx, x0 - minimum), (dx, limitX - x0), (-dy, y0 - minimum), (dy, limitY - y0)] {
            if p == 0 {
                if q < 0 { return }
            } else {
                let r = q / p
                if p < 0 {
                    if r > t1 { return }
                    if r > t0 { t0 = r }
                } else {
                    if r < t0 { return }
                    if r < t1 { t1 = r }
                }
            }
        }
        let start = DotPoint(x: clampDot(x0 + t0 * dx, dotWidth), y: clampDot(y0 + t0 * dy, dotHeight))
        let end = DotPoint(x: clampDot(x0 + t1 * dx, dotWidth), y: clampDot(y0 + t1 * dy, dotHeight))
        line(from: start, to: end, color: color)
    }

    private func clampDot(_ value: Double, _ count: Int) -> Int {
        min(count - 1, max(0, Int((value + 0.5).rounded(.down))))
    }

    // MARK: - Output

    /// Draws the lit cells onto a screen with the canvas's top-left at the
    /// area's, keeping each cell's background (the contour shading).
    public func render(into screen: inout Screen, area: Rect) {
        let rows = min(height, area.height), columns = min(width, area.width)
        guard rows > 0, columns > 0 else { return }
        for row in 0..<rows {
            for column in 0..<columns {
                let index = row * width + column
                let dots = bits[index]
                if dots == 0 { continue }
                let glyph = glyphs.glyph(forDots: dots)
                let color = colors[index]
                screen.modify(x: area.x + column, y: area.y + row) { cell in
                    cell.scalar = glyph
                    cell.style.fg = color
                }
            }
        }
    }
}
