--[[
judul-html.lua — HTML only: every heading of the report body one level down.

The page's one `h1` is the report title (title-block.html); chapters ("BAB I
PENDAHULUAN") become `h2` and their sections `h3`, so headings run in order for
screen readers. The PDF keeps its levels (nothing happens for other formats).

Runs after laporan.lua, which counts level-1 headings as chapters: Quarto runs it
at `post-render` (after its cross-references counted chapters too, see
_extension.yml); crmlib.render's embedded renderer passes it as the second
--lua-filter of the HTML command. The table of contents is built from the shifted
levels, so the HTML format asks for one level more (toc-depth 3).
]]

local in_quarto = type(quarto) == "table" and type(quarto.doc) == "table"
local HTML
if in_quarto then
  HTML = quarto.doc.is_format("html")
else
  HTML = FORMAT:match("html") ~= nil
end

function Header(h)
  if not HTML then
    return nil
  end
  h.level = math.min(h.level + 1, 6)
  return h
end
