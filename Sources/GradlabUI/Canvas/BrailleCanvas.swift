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
/// Each cell holds 2×4 dots; with the braille glyph set it shows as U+2800
/// plus one bit per dot (left column 0x01 0x02 0x04 0x40, right column
/// 0x08 0x10 0x20 0x80). The block and ASCII sets show the same dots as a
/// top half, a bottom half or both, so what is drawn lands in the same
/// cells whichever set the terminal can show.
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

    /// One byte per dot, row-major over the dot grid: 1 when lit. A byte
    /// per dot (not a bit per dot in its cell's byte) makes lighting a dot a
    /// plain store: OR-ing into a cell byte chains each write to the last
    /// through memory, and most consecutive trajectory points hit the same cell.
    var dots: [UInt8]
    /// Foreground per cell as an index into `palette`: one byte per write
    /// keeps the hot loop's stores small.
    var colorIndices: [UInt8]
    /// The distinct colours drawn so far (at most 256; later ones share the last slot).
    var palette: [Color] = []

    /// - Parameters:
    ///   - width: cells across.
    ///   - height: cells down.
    ///   - glyphs: how a cell's dots are shown.
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
        dots = [UInt8](repeating: 0, count: dotWidth * dotHeight)
        colorIndices = [UInt8](repeating: 0, count: self.width * self.height)
    }

    // MARK: - Dots

    /// Lights one dot (ignored outside the grid).
    public mutating func set(dotX: Int, dotY: Int, color: Color) {
        let index = paletteIndex(color)
        withRaster { $0.setChecked(dotX, dotY, index) }
    }

    /// Whether any dot of a cell is lit.
    public func hasDots(column: Int, row: Int) -> Bool {
        guard column >= 0, column < width, row >= 0, row < height else { return false }
        return cellBits(column: column, row: row) != 0
    }

    /// Whether one dot is lit.
    public func isLit(dotX: Int, dotY: Int) -> Bool {
        guard dotX >= 0, dotX < dotWidth, dotY >= 0, dotY < dotHeight else { return false }
        return dots[dotY * dotWidth + dotX] != 0
    }

    /// A cell's dots as glyph bits, in the braille layout.
    func cellBits(column: Int, row: Int) -> UInt8 {
        let top = row * glyphs.dotRows * dotWidth + column * glyphs.dotColumns
        let w = dotWidth
        let left = dots[top] | dots[top + w] << 1 | dots[top + 2 * w] << 2 | dots[top + 3 * w] << 6
        let right = dots[top + 1] << 3 | dots[top + w + 1] << 4 | dots[top + 2 * w + 1] << 5 | dots[top + 3 * w + 1] << 7
        return left | right
    }

    /// A straight line of dots, both ends included (Bresenham). Parts outside
    /// the grid are dropped dot by dot; use ``plotLine(from:to:color:)`` for
    /// far-away data points, which clips first.
    public mutating func line(from start: DotPoint, to end: DotPoint, color: Color) {
        let index = paletteIndex(color)
        withRaster { $0.line(start.x, start.y, end.x, end.y, index) }
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
        return DotPoint(x: Self.roundInRange(p.x), y: Self.roundInRange(p.y))
    }

    /// Lights the dot under a data point.
    public mutating func plot(x: Double, y: Double, color: Color) {
        if let d = dot(x: x, y: y) { set(dotX: d.x, dotY: d.y, color: color) }
    }

    /// A line between two data points, clipped to the grid first so a point
    /// that diverged to 1e30 costs no more than one on screen.
    public mutating func plotLine(from a: SIMD2<Double>, to b: SIMD2<Double>, color: Color) {
        let p = dotPosition(x: a.x, y: a.y), q = dotPosition(x: b.x, y: b.y)
        let index = paletteIndex(color)
        withRaster { $0.lineClipped(p.x, p.y, q.x, q.y, index) }
    }

    /// A polyline through data points. Non-finite points break the line.
    ///
    /// This is the hot path for a thousand trajectories of a thousand points:
    /// a point inside the grid next to (or on) the previous dot costs one
    /// store with no branch on "same dot", longer steps use Bresenham, and
    /// only segments that leave the grid pay for clipping. NaN fails the
    /// inside test, so finiteness is checked only on the rare outside path.
    public mutating func plotPath(_ points: [SIMD2<Double>], color: Color) {
        points.withUnsafeBufferPointer { plotPath($0, color: color) }
    }

    /// A polyline through part of an array of points (new points of a trail).
    public mutating func plotPath(_ points: ArraySlice<SIMD2<Double>>, color: Color) {
        points.withUnsafeBufferPointer { plotPath($0, color: color) }
    }

    private mutating func plotPath(_ buffer: UnsafeBufferPointer<SIMD2<Double>>, color: Color) {
        guard dotWidth > 0, dotHeight > 0, !buffer.isEmpty else { return }
        let index = paletteIndex(color)
        let scale = mapping
        let limitX = Double(dotWidth) - 0.5, limitY = Double(dotHeight) - 0.5
        withRaster { raster in
            // Locals, not `raster.`, so the byte stores below cannot make the
            // compiler reload them every point.
            let dots = raster.dots, colors = raster.colors, columns = raster.width
            let dotColumns = raster.dotWidth, shiftX = raster.cellShiftX, shiftY = raster.cellShiftY
            do {
                var previousX = 0.0, previousY = 0.0
                var havePrevious = false, previousInside = false
                var lastX = 0, lastY = 0
                for point in buffer {
                    let fx = (point.x - scale.x0) * scale.sx, fy = (scale.y1 - point.y) * scale.sy
                    if fx >= -0.5 && fx < limitX && fy >= -0.5 && fy < limitY {
                        let ix = Self.roundInRange(fx), iy = Self.roundInRange(fy)
                        if previousInside && UInt(bitPattern: ix - lastX + 1) <= 2
                            && UInt(bitPattern: iy - lastY + 1) <= 2 {
                            // Same or neighbouring dot (most points): two plain stores,
                            // no branch on which.
                            // Indices are in range (checked above): wrapping arithmetic
                            // skips overflow checks.
                            dots[iy &* dotColumns &+ ix] = 1
                            colors[(iy &>> shiftY) &* columns &+ (ix &>> shiftX)] = index
                        } else if previousInside {
                            raster.line(lastX, lastY, ix, iy, index)
                        } else if havePrevious {
                            raster.lineClipped(previousX, previousY, fx, fy, index)
                        } else {
                            raster.set(ix, iy, index)
                        }
                        lastX = ix
                        lastY = iy
                        previousInside = true
                        havePrevious = true
                    } else if fx.isFinite && fy.isFinite {
                        if havePrevious { raster.lineClipped(previousX, previousY, fx, fy, index) }
                        previousInside = false
                        havePrevious = true
                    } else {
                        previousInside = false
                        havePrevious = false
                    }
                    previousX = fx
                    previousY = fy
                }
            }
        }
    }

    /// Rounds a value already known to lie in [-0.5, 2^31) to the nearest
    /// integer (ties to even) by the 1.5·2^52 trick: `Int(x + 0.5)` would pay
    /// for an overflow check and `rounded()` for a libm call on the baseline
    /// x86-64 target. Everything that maps data to dots uses it, so markers
    /// and ticks land on the same dots as the lines.
    @inline(__always)
    static func roundInRange(_ value: Double) -> Int {
        Int(Int32(truncatingIfNeeded: (value + 6_755_399_441_055_744.0).bitPattern))
    }

    /// Linear map from data to dots; degenerate ranges map to the middle.
    private var mapping: (x0: Double, sx: Double, y1: Double, sy: Double) {
        let spanX = xRange.upperBound - xRange.lowerBound
        let spanY = yRange.upperBound - yRange.lowerBound
        let sx = spanX > 0 ? Double(max(0, dotWidth - 1)) / spanX : 0
        let sy = spanY > 0 ? Double(max(0, dotHeight - 1)) / spanY : 0
        return (xRange.lowerBound, sx, yRange.upperBound, sy)
    }

    mutating func paletteIndex(_ color: Color) -> UInt8 {
        if let index = palette.firstIndex(of: color) { return UInt8(index) }
        if palette.count == 256 { palette[255] = color } else { palette.append(color) }
        return UInt8(palette.count - 1)
    }

    /// Runs `body` with raw access to the dot and colour storage.
    private mutating func withRaster(_ body: (Raster) -> Void) {
        let (columns, dotsX, dotsY) = (width, dotWidth, dotHeight)
        dots.withUnsafeMutableBufferPointer { dotBuffer in
            colorIndices.withUnsafeMutableBufferPointer { colorBuffer in
                guard let dotBase = dotBuffer.baseAddress, let colorBase = colorBuffer.baseAddress else { return }
                body(Raster(dots: dotBase, colors: colorBase, width: columns, dotWidth: dotsX, dotHeight: dotsY,
                            cellShiftX: 1, cellShiftY: 2))
            }
        }
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
                let bits = cellBits(column: column, row: row)
                if bits == 0 { continue }
                let glyph = glyphs.glyph(forDots: bits)
                let color = palette[Int(colorIndices[index])]
                screen.modify(x: area.x + column, y: area.y + row) { cell in
                    cell.scalar = glyph
                    cell.style.fg = color
                }
            }
        }
    }
}

/// Dot writes through raw pointers, valid only inside `BrailleCanvas.withRaster`.
private struct Raster {
    let dots: UnsafeMutablePointer<UInt8>
    let colors: UnsafeMutablePointer<UInt8>
    let width: Int
    let dotWidth: Int
    let dotHeight: Int
    /// log2 of the dots per cell across and down (2×4: 1 and 2).
    let cellShiftX: Int
    let cellShiftY: Int

    /// Sets a dot known to be inside the grid.
    @inline(__always)
    func set(_ x: Int, _ y: Int, _ color: UInt8) {
        dots[y &* dotWidth &+ x] = 1
        colors[(y &>> cellShiftY) &* width &+ (x &>> cellShiftX)] = color
    }

    @inline(__always)
    func setChecked(_ x: Int, _ y: Int, _ color: UInt8) {
        guard x >= 0, x < dotWidth, y >= 0, y < dotHeight else { return }
        set(x, y, color)
    }

    /// Bresenham, both ends included; dots outside the grid are skipped.
    func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: UInt8) {
        var x = x0, y = y0
        let dx = abs(x1 - x), dy = -abs(y1 - y)
        let stepX = x < x1 ? 1 : -1, stepY = y < y1 ? 1 : -1
        var error = dx + dy
        while true {
            setChecked(x, y, color)
            if x == x1 && y == y1 { return }
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

    /// Clips a dot-space segment to the grid, then draws it. Any finite
    /// ends will do: a diverging run's reach 1e300 dots.
    ///
    /// Each end outside is moved onto the edge it is beyond along the line,
    /// measured from the other end, the farther end first (Cohen–Sutherland).
    /// Measured from the near end, the crossing is good to a few ulps of
    /// the grid's size, where `a + t (b - a)` from a far end was off by
    /// ulps of 1e300 (and once past Int's range, a crash). Where both ends
    /// are beyond `Self.farDots`, the line's crossing of the grid is finer
    /// than Double can tell from its ends, and it is not drawn.
    func lineClipped(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: UInt8) {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return }
        let low = -0.5, highX = Double(dotWidth) - 0.5001, highY = Double(dotHeight) - 0.5001
        func reach(_ p: SIMD2<Double>) -> Double { max(p.x.magnitude, p.y.magnitude) }
        func outside(_ p: SIMD2<Double>) -> (left: Bool, right: Bool, above: Bool, below: Bool) {
            (p.x < low, p.x > highX, p.y < low, p.y > highY)
        }
        var a = SIMD2(x0, y0), b = SIMD2(x1, y1)
        guard min(reach(a), reach(b)) < Self.farDots else { return }
        // Each end moves at most twice (onto an x edge, then a y edge); the
        // fifth pass only checks.
        for _ in 0..<5 {
            let oa = outside(a), ob = outside(b)
            if (oa.left && ob.left) || (oa.right && ob.right) || (oa.above && ob.above) || (oa.below && ob.below) { return }
            let aOut = oa.left || oa.right || oa.above || oa.below, bOut = ob.left || ob.right || ob.above || ob.below
            if !aOut && !bOut { break }
            let moveA = aOut && (!bOut || reach(a) >= reach(b))
            let (far, near) = moveA ? (a, b) : (b, a)
            let side = moveA ? oa : ob
            // Halves, so that the difference of two ends near ±Double.max stays finite.
            let d = far * 0.5 - near * 0.5
            var moved: SIMD2<Double>?
            if side.left || side.right {
                let x = side.left ? low : highX
                let y = near.y + (x - near.x) * (d.y / d.x)
                if y.isFinite { moved = SIMD2(x, y) }
            }
            if moved == nil, side.above || side.below {
                let y = side.above ? low : highY
                let x = near.x + (y - near.y) * (d.x / d.y)
                if x.isFinite { moved = SIMD2(x, y) }
            }
            guard let moved else { return }
            if moveA { a = moved } else { b = moved }
        }
        line(clamp(a.x, dotWidth), clamp(a.y, dotHeight), clamp(b.x, dotWidth), clamp(b.y, dotHeight), color)
    }

    /// How far from the grid (in dots, 2^44) an end may be for a segment's
    /// crossing to be drawn when the other end is as far.
    static let farDots = 0x1p44

    /// The dot nearest `value`, in 0..<count; clamped as a Double, since
    /// a far end clipped in floating point can land far from the grid.
    private func clamp(_ value: Double, _ count: Int) -> Int {
        let dot = (value + 0.5).rounded(.down)
        guard dot > 0 else { return 0 }  // NaN too
        return dot < Double(count - 1) ? Int(dot) : count - 1
    }
}
