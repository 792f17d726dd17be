"""The org chart as a file: /orgchart.svg, /orgchart.png and /orgchart.pdf, drawn on the server.

The same cards as the interactive chart (department colour stripe, title, "department · grade",
headcount / filled / vacant, dashed purple dotted lines), laid out here in Python so the file is
the same whatever the browser, and never cropped:

- layout.py: where every card goes (a pure function, no database) and the card geometry;
- text.py: how wide text is, and cutting titles to fit a card;
- canvas.py: SvgCanvas and CairoCanvas, the two surfaces drawn on with the same calls;
- scene.py: the cards and lines to draw, each with its bounding box;
- pages.py: fitting the chart to one A3 page or tiling it over several, and how much of it hangs;
- svg.py, png.py, pdf.py: the three files (chart_svg, chart_png, chart_pdf; see their docstrings);
- views.py: the download view.
"""
