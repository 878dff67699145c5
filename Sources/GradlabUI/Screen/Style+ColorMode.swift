extension Style {
    /// This style as a terminal in `mode` can show it: both colours
    /// downgraded (``Color/downgraded(to:)``), and on 8 or 16 colours a
    /// foreground replaced where it would not read on its background.
    ///
    /// Eight colours have no grey: the nearest of the dark theme's border grey
    /// was black, invisible on a black terminal (the Linux console), and its
    /// muted grey came out cyan. So on 8 colours a grey foreground, and on 8
    /// or 16 any foreground that lands on its background's colour (or on
    /// black over the terminal's own background, which is usually black), is
    /// drawn in
    /// - the terminal's own foreground where the background is the
    ///   terminal's: it reads on a dark terminal and on a light one;
    /// - else black or white, whichever is farther in lightness from the
    ///   background the terminal shows;
    /// and a dim grey (borders, axes, muted text) is drawn dim, so it still
    /// reads as lesser than the text. Truecolor and 256 colours keep
    /// the theme's colours as they are.
    public func downgraded(to mode: ColorMode) -> Style {
        var style = self
        style.fg = fg.downgraded(to: mode)
        style.bg = bg.downgraded(to: mode)
        guard mode == .palette8 || mode == .palette16, let wanted = Self.rgb(of: fg) else { return style }
        let grey = mode == .palette8 && Self.chroma(wanted) <= Self.greyChroma
        let hidden = style.bg == .default ? style.fg == .indexed(0) : style.fg == style.bg
        guard grey || hidden else { return style }
        let lightness = Palette.lightness(r: wanted.r, g: wanted.g, b: wanted.b)
        var nearBackground = false
        if let background = Self.rgb(of: bg), let shown = Self.rgb(of: style.bg) {
            // Black or white against the background the terminal shows; faint
            // judged against the one the theme asked for.
            let shownLightness = Palette.lightness(r: shown.r, g: shown.g, b: shown.b)
            style.fg = shownLightness >= 50 ? .indexed(0) : .indexed(mode == .palette8 ? 7 : 15)
            let backgroundLightness = Palette.lightness(r: background.r, g: background.g, b: background.b)
            nearBackground = abs(lightness - backgroundLightness) < Self.faintContrast
        } else {
            style.fg = .default
        }
        // Dim: a grey between black and white (a border, muted text), or one
        // the theme set close to its background (the light theme's border);
        // never the text's near-black or near-white, nor a marker's black or white.
        let mid = lightness > 20 && lightness < 80
        if grey, lightness > 5, lightness < 95, mid || nearBackground { style.dim = true }
        return style
    }

    /// Channel spread (max − min) up to which a colour counts as a grey: the
    /// shipped themes' greys are bluish, up to 27.
    static let greyChroma = 40
    /// Lightness difference (CIE L*, 0…100) under which a grey is meant to
    /// be faint on its background: the light theme's border (83 on 98).
    static let faintContrast = 20.0

    /// The colour's RGB (an index as xterm draws it); nil for the terminal's own.
    static func rgb(of color: Color) -> (r: UInt8, g: UInt8, b: UInt8)? {
        switch color {
        case .default: return nil
        case .indexed(let index): return Palette.rgb(ofIndex: index)
        case .rgb(let r, let g, let b): return (r, g, b)
        }
    }

    static func chroma(_ c: (r: UInt8, g: UInt8, b: UInt8)) -> Int {
        Int(max(c.r, c.g, c.b)) - Int(min(c.r, c.g, c.b))
    }
}
