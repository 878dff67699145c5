/// The xterm palettes and nearest-colour mapping into them.
///
/// Distances are plain squared RGB distances: cheap, deterministic, and good
/// enough to keep a theme's ramp ordered when it lands on the 6×6×6 cube.
public enum Palette {
    /// The six channel levels of the xterm 6×6×6 colour cube (indices 16–231).
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The 16 ANSI colours as xterm draws them by default.
    static let ansi16: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The RGB value xterm shows for a palette index.
    public static func rgb(ofIndex index: UInt8) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = Int(index)
        if i < 16 {
            let c = ansi16[i]
            return (UInt8(c.0), UInt8(c.1), UInt8(c.2))
        }
        if i < 232 {
            let n = i - 16
            return (UInt8(cubeLevels[n / 36]), UInt8(cubeLevels[(n / 6) % 6]), UInt8(cubeLevels[n % 6]))
        }
        let grey = UInt8(8 + 10 * (i - 232))
        return (grey, grey, grey)
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
    public static func ansi(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        var best = 0, bestDistance = Int.max
        for (i, c) in ansi16.enumerated() {
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
        case (.indexed, _): return self
        }
    }
}
