// The plot models (ticks, fields, colours, the painter protocol) live in
// GradlabPlot, which has no terminal in it; everything that draws with
// GradlabUI sees them as before.
@_exported import GradlabPlot
