/// The colours and sizes a figure is drawn with, resolved to `#rrggbb`.
///
/// Built from a theme by the caller (GradlabUI's `Theme.figureStyle`), so
/// GradlabPlot never needs to know what a theme is.
public struct FigureStyle: Sendable, Equatable {
    public var background: String
    public var foreground: String
    public var muted: String
    public var grid: String
    /// The contour ramp, lowest band first.
    public var ramp: [String]
    /// Page size in points: matplotlib's default 6.4 × 4.8 inches.
    public var width: Double = 460.8
    public var height: Double = 345.6
    /// matplotlib's default font size.
    public var fontSize: Double = 10

    public init(background: String, foreground: String, muted: String, grid: String, ramp: [String]) {
        self.background = background
        self.foreground = foreground
        self.muted = muted
        self.grid = grid
        self.ramp = ramp
    }

    /// A widget colour on this page: the terminal's own (`.default`) is the foreground.
    public func ink(_ color: Color) -> String {
        if case .default = color { return foreground }
        return SVGDocument.hex(color, fallback: (0, 0, 0))
    }
}
