import PgwalkKit

/// `pgwalkctl map`'s output: one self-contained HTML page holding an inline
/// SVG drawing of an ``AddressSpaceMap``. No script, no network: hovering a
/// run, a VMA or a break shows its addresses and size (SVG `<title>`), and
/// the legend gives each colour with the bytes it maps.
///
/// The axis is wrapped into lines of ``lineWidth`` pixels, read left to
/// right, top to bottom. Every run is a `rect` with `class="run"` and
/// `data-class`, `data-start`, `data-end` attributes (split in two where it
/// crosses a line's end), every VMA a `rect class="vma"`, every break a
/// `rect class="break"`: a script or a test can find them in the DOM.
package enum AddressSpaceMapHTML {
    package static let lineWidth = 1200.0
    static let left = 20.0
    static let top = 96.0
    static let lineHeight = 66.0
    static let trackOffset = 14.0
    static let trackHeight = 26.0

    package static func render(_ map: AddressSpaceMap) -> String {
        let d = map.description
        let lines = max(1, Int((map.length / lineWidth).rounded(.up)))
        let width = Int(left * 2 + lineWidth)
        let height = Int(top + Double(lines) * lineHeight + 10)
        var svg: [String] = []
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"map\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"11\">")
        svg.append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
            + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
            + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9a9a9a\" stroke-width=\"2\"/></pattern></defs>")
        svg.append("<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>")
        let heading = "pid \(d.pid) (\(d.source.rawValue)), kernel \(d.kernelRelease), \(d.geometry.levels)-level paging: "
            + "\(Hex.short(map.start))-\(Hex.short(map.end)), to scale 1 px = \(ByteSize.short(UInt64(map.bytesPerUnit))), "
            + "empty stretches over \(ByteSize.short(map.compressAbove)) drawn as breaks"
        svg.append("<text x=\"\(left)\" y=\"18\" font-size=\"13\">\(xml(heading))</text>")
        legend(map, into: &svg)

        for line in 0..<lines {
            let y = top + Double(line) * lineHeight
            let first = Double(line) * lineWidth
            let lineLength = min(lineWidth, map.length - first)
            svg.append("<text x=\"\(left)\" y=\"\(fmt(y + 10))\" fill=\"#555\">\(Hex.address(address(at: first, in: map)))</text>")
            svg.append("<rect class=\"track\" x=\"\(left)\" y=\"\(fmt(y + trackOffset))\" width=\"\(fmt(lineLength))\" "
                + "height=\"\(trackHeight)\" fill=\"#ffffff\" stroke=\"#bbbbbb\" stroke-width=\"0.5\"/>")
        }
        for piece in map.pieces where piece.compressed {
            let title = "\(Hex.short(piece.start))-\(Hex.short(piece.end)) empty, \(ByteSize.short(piece.end - piece.start)) (not to scale)"
            for part in parts(offset: piece.offset, length: piece.length) {
                svg.append(rect(part, class: "break", fill: "url(#hatch)", extra: dataRange(piece.start, piece.end), title: title))
            }
        }
        for run in map.runs {
            let row = run.row
            var title = "\(Hex.short(run.start))-\(Hex.short(run.end)) \(ByteSize.short(run.end - run.start)) "
                + "\(run.mappingClass.rawValue): \(row.placement) \(row.kind)"
            if !row.flags.names.isEmpty && row.kind != .none { title += " " + row.flags.names.joined(separator: ",") }
            let extra = "data-class=\"\(run.mappingClass.rawValue)\" " + dataRange(run.start, run.end)
            for part in parts(offset: run.offset, length: run.length) {
                svg.append(rect(part, class: "run", fill: run.mappingClass.color, extra: extra, title: title))
            }
        }
        for area in map.areas {
            let vma = area.vma
            let name = vma.name.isEmpty ? vma.backing.description : vma.name
            let title = "\(Hex.short(vma.start))-\(Hex.short(vma.end)) \(ByteSize.short(vma.end - vma.start)) "
                + "\(vma.permissions) \(name)" + (vma.flags.contains(.notWalked) ? " (not walked)" : "")
            let all = parts(offset: area.offset, length: area.length)
            for (index, part) in all.enumerated() {
                svg.append("<rect class=\"vma\" data-name=\"\(xml(name))\" \(dataRange(vma.start, vma.end)) "
                    + "x=\"\(fmt(part.x))\" y=\"\(fmt(part.y - 2))\" width=\"\(fmt(part.width))\" height=\"\(trackHeight + 4)\" "
                    + "fill=\"none\" stroke=\"#000000\" stroke-width=\"1\"><title>\(xml(title))</title></rect>")
                // The name under the VMA's first part, cut to the room it has.
                if index == 0 {
                    let room = Int(max(part.width, 0) / 6.2)
                    if room >= 3 {
                        let shown = name.count <= room ? name : String(name.prefix(room - 1)) + "…"
                        svg.append("<text class=\"vma-name\" x=\"\(fmt(part.x + 1))\" y=\"\(fmt(part.y + trackHeight + 14))\">"
                            + "\(xml(shown))<title>\(xml(title))</title></text>")
                    }
                }
            }
        }
        svg.append("</svg>")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>pgwalk map: pid \(d.pid)</title>
            <style>body { margin: 0; background: #ffffff; } rect.run:hover, rect.vma:hover { stroke: #ff00ff; stroke-width: 2; }</style>
            </head><body>
            \(svg.joined(separator: "\n"))
            </body></html>

            """
    }

    static func legend(_ map: AddressSpaceMap, into svg: inout [String]) {
        var x = left
        let y = 34.0
        for mappingClass in MappingClass.allCases {
            let bytes = map.totals[mappingClass] ?? 0
            let label = "\(mappingClass.rawValue) \(bytes == 0 ? "0" : ByteSize.short(bytes))"
            svg.append("<g class=\"legend\" data-class=\"\(mappingClass.rawValue)\"><rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"18\" "
                + "height=\"14\" fill=\"\(mappingClass.color)\" stroke=\"#000\" stroke-width=\"0.5\"/>"
                + "<text x=\"\(fmt(x + 22))\" y=\"\(y + 11)\">\(xml(label))</text></g>")
            x += 26 + Double(label.count) * 7 + 14
        }
        svg.append("<g class=\"legend\" data-class=\"break\"><rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"18\" height=\"14\" "
            + "fill=\"url(#hatch)\" stroke=\"#000\" stroke-width=\"0.5\"/><text x=\"\(fmt(x + 22))\" y=\"\(y + 11)\">"
            + "empty, not to scale</text></g>")
        svg.append("<text x=\"\(left)\" y=\"\(y + 34)\" fill=\"#555\">Black outlines are VMAs; hover over anything for its addresses and size.</text>")
    }

    struct Part {
        var x: Double
        var y: Double
        var width: Double
    }

    /// A stretch of the axis cut at the ends of lines.
    static func parts(offset: Double, length: Double) -> [Part] {
        var result: [Part] = []
        var at = offset
        let end = offset + length
        while at < end - 1e-9 {
            let line = (at / lineWidth).rounded(.down)
            let lineEnd = (line + 1) * lineWidth
            let stop = min(end, lineEnd)
            result.append(Part(x: left + at - line * lineWidth, y: top + line * lineHeight + trackOffset, width: stop - at))
            at = stop
        }
        return result
    }

    static func rect(_ part: Part, class name: String, fill: String, extra: String, title: String) -> String {
        "<rect class=\"\(name)\" \(extra) x=\"\(fmt(part.x))\" y=\"\(fmt(part.y))\" width=\"\(fmt(part.width))\" "
            + "height=\"\(trackHeight)\" fill=\"\(fill)\"><title>\(xml(title))</title></rect>"
    }

    static func dataRange(_ start: UInt64, _ end: UInt64) -> String {
        "data-start=\"\(Hex.short(start))\" data-end=\"\(Hex.short(end))\""
    }

    /// The address drawn at `offset` (the start of the piece holding it).
    static func address(at offset: Double, in map: AddressSpaceMap) -> UInt64 {
        guard let piece = map.pieces.last(where: { $0.offset <= offset }) else { return map.start }
        if piece.compressed || piece.length == 0 { return piece.start }
        let fraction = min(1, (offset - piece.offset) / piece.length)
        let pageMask = map.description.geometry.pageSize - 1
        return (piece.start + UInt64(Double(piece.end - piece.start) * fraction)) & ~pageMask
    }

    static func fmt(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func xml(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
