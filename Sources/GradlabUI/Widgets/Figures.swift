/// The widgets' models as figures: the SVG renderer draws the same
/// trajectories, series, point sets, colours and legends the terminal
/// shows, from the same values, so the two never disagree.
extension Theme {
    /// This theme on a page: the terminal's own background reads as white,
    /// its own foreground as black.
    public var figureStyle: FigureStyle {
        let background = SVGDocument.hex(self.background, fallback: (255, 255, 255))
        let foreground = SVGDocument.hex(self.foreground, fallback: (0, 0, 0))
        return FigureStyle(background: background, foreground: foreground,
                           muted: SVGDocument.hex(muted, fallback: (110, 119, 129)),
                           grid: SVGDocument.hex(border, fallback: (200, 209, 218)),
                           ramp: ramp.map { SVGDocument.hex($0, fallback: (255, 255, 255)) })
    }
}

extension ParameterPlane {
    /// - Parameters:
    ///   - title: the figure's title (lab, function, optimizer, epoch).
    ///   - field: f at the nodes of a grid spanning the plane's ranges
    ///     (``PlaneFigure/sampleRanges(xRange:yRange:columns:rows:)``), or nil.
    public func figure(title: String, field: ScalarField?, theme: Theme) -> PlaneFigure {
        PlaneFigure(title: title, xRange: Self.nonEmpty(xRange), yRange: Self.nonEmpty(yRange), xName: xName, yName: yName,
                    field: field, fieldName: fieldName, shading: shading,
                    paths: trajectories.map { PlaneFigure.Path(points: $0.points, color: theme.color($0.role)) },
                    markers: markers, markerLabel: markerLabel,
                    legend: legend.map { (label: $0.label, color: theme.color($0.role)) },
                    guides: guides.map { PathShape([$0.from, $0.to], color: Self.color(of: $0.kind, theme: theme)) })
    }
}

extension LossChart {
    public func figure(title: String, theme: Theme) -> LossFigure {
        LossFigure(title: title, series: series.map { LossFigure.Series(name: $0.name, values: $0.values, color: theme.color($0.role)) },
                   firstEpoch: firstEpoch, logScale: logScale, xName: xName, yName: yName)
    }
}

extension ScatterPlot {
    public func figure(title: String, theme: Theme) -> ScatterFigure {
        ScatterFigure(title: title, xName: xName, yName: yName,
                      pointSets: pointSets.map { ScatterFigure.PointSet(name: $0.name, points: $0.points, color: theme.color($0.role),
                                                                        glyph: $0.glyph == .dot ? .dot : .cross) },
                      curves: curves.map { ScatterFigure.Curve(name: $0.name, points: $0.points, color: theme.color($0.role)) },
                      xRange: xRange, yRange: yRange)
    }
}
