#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// The xterm palettes and nearest-colour mapping into them.
///
/// Distances are plain squared RGB distances: cheap, deterministic, and good
/// enough to keep a theme's ramp ordered when it lands on the 6×6×6 cube.
public enum Palette {
    /// The six channel levels of the xterm 6×6×6 colour cube (indices 16–231).
    static let cubeLevels = XtermPalette.cubeLevels

    /// The 16 ANSI colours as xterm draws them by default.
    static let ansi16 = XtermPalette.ansi16

    /// The RGB value xterm shows for a palette index.
    public static func rgb(ofIndex index: UInt8) -> (r: UInt8, g: UInt8, b: UInt8) {
        XtermPalette.rgb(ofIndex: index)
    }

    /// The nearest xterm-256 index, from the colour cube or the grey ramp
    /// (16–255; the 16 ANSI colours are skipped because terminals redefine them).
    public static func xterm256(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        let (ri, gi, bi) = (nearestCubeStep(r), nearestCubeStep(g), nearestCubeStep(b))
        let cube = (cubeLevels[ri], cubeLevels[gi], cubeLevels[bi])
        let cubeDistance = distance(cube, (Int(r), Int(g), Int(b)))

        // Grey ramp 232–255 is 8, 18, ..., 238: pick the step nearest the mean.
        let mean = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = min(23, max(0, (mean - 8 + 5) / 10))
        let grey = 8 + 10 * greyStep
        let greyDistance = distance((grey, grey, grey), (Int(r), Int(g), Int(b)))

        if greyDistance < cubeDistance { return UInt8(232 + greyStep) }
        return UInt8(16 + 36 * ri + 6 * gi + bi)
    }

    /// The nearest of the 16 ANSI colours.
    /// - Parameter count: 16, or 8 for a terminal of 8 colours.
    public static func ansi(r: UInt8, g: UInt8, b: UInt8, among count: Int = 16) -> UInt8 {
        var best = 0, bestDistance = Int.max
        for (i, c) in ansi16.prefix(count).enumerated() {
            let d = distance(c, (Int(r), Int(g), Int(b)))
            if d < bestDistance { (best, bestDistance) = (i, d) }
        }
        return UInt8(best)
    }

    /// The cube step (0–5) nearest a channel value; the steps are uneven
    /// (0, 95, 135, …), so the midpoints are 47, 115, 155, 195, 235.
    static func nearestCubeStep(_ v: UInt8) -> Int {
        let value = Int(v)
        if value < 48 { return 0 }
        if value < 115 { return 1 }
        return min(5, (value - 35) / 40)
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr + dg * dg + db * db
    }
}

extension Color {
    /// This colour as a terminal in `mode` can show it.
    ///
    /// Monochrome drops colour entirely (widgets carry meaning with bold and
    /// reverse instead); palette modes map to the nearest index.
    public func downgraded(to mode: ColorMode) -> Color {
        switch (self, mode) {
        case (.default, _), (_, .truecolor): return self
        case (_, .monochrome): return .default
        case (.rgb(let r, let g, let b), .palette256): return .indexed(Palette.xterm256(r: r, g: g, b: b))
        case (.rgb(let r, let g, let b), .palette16): return .indexed(Palette.ansi(r: r, g: g, b: b))
        case (.indexed(let i), .palette16) where i >= 16:
            let c = Palette.rgb(ofIndex: i)
            return .indexed(Palette.ansi(r: c.r, g: c.g, b: c.b))
        case (.rgb(let r, let g, let b), .palette8): return .indexed(Palette.ansi(r: r, g: g, b: b, among: 8))
        case (.indexed(let i), .palette8) where i >= 8:
            let c = Palette.rgb(ofIndex: i)
            return .indexed(Palette.ansi(r: c.r, g: c.g, b: c.b, among: 8))
        case (.indexed, _): return self
        }
    }
}

extension Palette {
    /// CIE L* (0 black … 100 white) of an sRGB colour.
    public static func lightness(r: UInt8, g: UInt8, b: UInt8) -> Double {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        let y = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
        return y > 0.008856 ? 116 * cbrt(y) - 16 : 903.3 * y
    }

    /// A contour ramp as a terminal in `mode` can show it, with its
    /// lightness order kept: the palette colours closest to the ramp's,
    /// chosen together so that lightness rises (or falls) strictly with the
    /// level, as it does in truecolor. Mapping each colour to its nearest
    /// on its own turned the dark theme's blues into greys and one teal that
    /// read as the valley (issue 12). Where the palette has fewer distinct
    /// lightnesses than the ramp has levels (8 colours), the ramp is first
    /// resampled to that many, ends kept: fewer bands, never two levels in
    /// one colour (8-colour terminals drew a mid level in the valley's black).
    /// The contour's levels are this ramp's count.
    public static func ramp(_ colors: [Color], for mode: ColorMode) -> [Color] {
        guard [.palette256, .palette16, .palette8].contains(mode) else { return colors.map { $0.downgraded(to: mode) } }
        var rgb: [(Int, Int, Int)] = []
        for color in colors {
            guard case .rgb(let r, let g, let b) = color else { return colors.map { $0.downgraded(to: mode) } }
            rgb.append((Int(r), Int(g), Int(b)))
        }
        guard rgb.count > 1 else { return colors.map { $0.downgraded(to: mode) } }
        func L(_ c: (Int, Int, Int)) -> Double { lightness(r: UInt8(c.0), g: UInt8(c.1), b: UInt8(c.2)) }
        let rising = L(rgb[rgb.count - 1]) >= L(rgb[0])
        var ordered = rising ? rgb : Array(rgb.reversed())
        // Candidates by rising lightness, one per distinct lightness.
        let indices: [Int] = switch mode {
        case .palette256: Array(16...255)
        case .palette16: Array(0...15)
        default: Array(0...7)
        }
        var candidates: [(index: Int, rgb: (Int, Int, Int), lightness: Double)] = indices.map { i in
            let c = Palette.rgb(ofIndex: UInt8(i))
            let value = (Int(c.r), Int(c.g), Int(c.b))
            return (i, value, L(value))
        }
        candidates.sort { $0.lightness < $1.lightness }
        var distinct: [(index: Int, rgb: (Int, Int, Int), lightness: Double)] = []
        for candidate in candidates {
            if let last = distinct.last, candidate.lightness - last.lightness < 0.5 {
                // Equal lightness: keep whichever is nearer some ramp colour.
                let nearer = ordered.map { distance($0, candidate.rgb) }.min() ?? 0
                let kept = ordered.map { distance($0, last.rgb) }.min() ?? 0
                if nearer < kept { distinct[distinct.count - 1] = candidate }
                continue
            }
            distinct.append(candidate)
        }
        let m = distinct.count
        if ordered.count > m, m >= 2 {
            // Evenly spaced levels of the ramp, both ends kept.
            let count = ordered.count
            ordered = (0..<m).map { k in ordered[(k * (count - 1) + (m - 1) / 2) / (m - 1)] }
        }
        let n = ordered.count
        guard n <= m else { return colors.map { $0.downgraded(to: mode) } }
        // cost[i][j]: the best strictly rising mapping of levels 0...i with level i on candidate j.
        var cost = Array(repeating: Array(repeating: Double.infinity, count: m), count: n)
        var from = Array(repeating: Array(repeating: -1, count: m), count: n)
        for j in 0..<m { cost[0][j] = Double(distance(ordered[0], distinct[j].rgb)) }
        for i in 1..<n {
            var best = Double.infinity, bestIndex = -1
            for j in 0..<m {
                if j > 0, cost[i - 1][j - 1] < best { (best, bestIndex) = (cost[i - 1][j - 1], j - 1) }
                guard bestIndex >= 0 else { continue }
                cost[i][j] = best + Double(distance(ordered[i], distinct[j].rgb))
                from[i][j] = bestIndex
            }
        }
        guard var j = cost[n - 1].indices.min(by: { cost[n - 1][$0] < cost[n - 1][$1] }), cost[n - 1][j].isFinite else {
            return colors.map { $0.downgraded(to: mode) }
        }
        var chosen = Array(repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            chosen[i] = distinct[j].index
            j = from[i][j]
            if j < 0 && i > 0 { return colors.map { $0.downgraded(to: mode) } }
        }
        let mapped = chosen.map { Color.indexed(UInt8($0)) }
        return rising ? mapped : Array(mapped.reversed())
    }
}
