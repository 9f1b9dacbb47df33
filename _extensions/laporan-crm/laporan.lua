--[[
laporan.lua — the one Lua filter of the "laporan-crm" format.

Used by both renderers:
  * Quarto runs it (listed under `filters:` in _extension.yml, at `pre-ast`, i.e.
    on the plain pandoc AST before Quarto builds its cross-reference floats);
  * crmlib.render's embedded renderer passes it to pandoc with --lua-filter.

What it does:
  0. Keeps citations that are not cross-references (e.g. "@DKIJakarta") as text.
  1. Lifts headings out of notebook cell divs (Quarto wraps every cell output in
     `::: {.cell}` / `::: {.cell-output-display}`). In Typst a div becomes
     `#block[...]`, and Typst refuses page breaks inside containers; each chapter
     must start on a new page.
  2. Styles tables: column widths from content; inside `::: {.tabel-rekap}` the
     rows whose first non-number cell starts with "KECAMATAN" are set apart and
     the last row is bold; outside, a last row labelled Jumlah/Total/Grand Total
     is bold. HTML gets row classes plus a scrolling box; Typst gets a call to
     `laporan-tabel(...)` from laporan-layout.typ, and the paragraph introducing
     a table is kept on the table's page (also when it ends a Quarto cell div of
     its own and the table is in the next cell).
  4. The month's note `::: {.catatan-bulan}`: role=note in HTML (laporan.css),
     `laporan-catatan[...]` in Typst; the same box in both renderers.
  5. Embedded renderer only (Quarto does this itself): chapter-based numbers
     "Tabel 2.1" / "Gambar 2.1" in HTML captions, and `@tbl-...` / `@fig-...`
     references turned into links (HTML) or Typst references.
  6. Typst: Indonesian hyphenation by soft hyphens in running text (Typst has no
     Indonesian patterns).
  7. Typst: the paragraph that ends a chapter is not split across pages.
  8. The renderer in plain words for "Tentang laporan ini".
  9. A chart's phone drawing: a plain image in HTML, nothing in print.
]]

local stringify = pandoc.utils.stringify

-- The global `quarto` table exists only when Quarto runs the filter.
local in_quarto = type(quarto) == "table" and type(quarto.doc) == "table"

local function is_format(name)
  if in_quarto then
    return quarto.doc.is_format(name)
  end
  return FORMAT:match(name) ~= nil
end

local HTML = is_format("html")
local TYPST = is_format("typst")

local CELL_CLASSES = {
  ["cell"] = true,
  ["cell-output"] = true,
  ["cell-output-display"] = true,
  ["cell-output-markdown"] = true,
}

-- 1. Headings out of cell divs -------------------------------------------------

local function is_cell_wrapper(div)
  if div.identifier ~= "" then
    return false -- labelled cells (e.g. #fig-...) carry cross-reference data
  end
  for _, c in ipairs(div.classes) do
    if not CELL_CLASSES[c] then
      return false
    end
  end
  return true
end

local function unwrap_cell(div)
  if not is_cell_wrapper(div) then
    return nil
  end
  -- Bottom-up traversal: inner wrappers are already gone, so a header is direct.
  for _, b in ipairs(div.content) do
    if b.t == "Header" then
      return div.content
    end
  end
  return nil
end

-- Citations that are not cross-references are text: the report has no bibliography,
-- and "Twitter (@DKIJakarta)" must stay as written instead of failing in Typst.
local CROSSREF = { tbl = true, fig = true, sec = true, eq = true, lst = true }

local function literal_cite(c)
  for _, citation in ipairs(c.citations) do
    local prefix = citation.id:match("^(%a+)%-")
    if not (prefix and CROSSREF[prefix]) then
      return c.content
    end
  end
  return nil
end

-- 2. Tables ----------------------------------------------------------------------

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

-- Text of the first cell that is not empty and not a number ("No." columns).
local function row_label(row)
  for _, cell in ipairs(row.cells) do
    local s = trim(stringify(cell.contents))
    if s ~= "" and not s:match("^[%d%.,%%%-%s]+$") then
      return s
    end
  end
  return ""
end

local function is_total_label(s)
  local l = s:lower()
  return l:match("^jumlah") ~= nil or l:match("^grand total") ~= nil or l:match("^total") ~= nil
end

local function typst_array(list)
  if #list == 0 then
    return "()"
  end
  return "(" .. table.concat(list, ", ") .. ",)"
end

-- Column widths. Pipe tables with long lines get widths from the dash counts of the
-- separator line, which carry no meaning in the notebook. HTML sizes columns to
-- content (and scrolls). Typst's automatic widths are fine while a table fits the
-- text width; a wider table (the ten-column list of late follow-ups) would have its
-- columns shrunk below their longest word, so it gets explicit widths: every column
-- at least its longest word, the rest shared out by the length of the content.

-- Rough advance widths of Libertinus Serif, in em.
local function text_em(s)
  local w = 0
  for _, c in utf8.codes(s) do
    if c >= 65 and c <= 90 then
      w = w + 0.68 -- A-Z
    elseif c >= 48 and c <= 57 then
      w = w + 0.52 -- 0-9
    elseif c >= 97 and c <= 122 then
      w = w + 0.47 -- a-z
    elseif c == 32 then
      w = w + 0.26
    else
      w = w + 0.4
    end
  end
  return w * 1.08 -- bold headers, kerning: err on the wide side
end

local KATA_MAKS_EM = 8.5

local function default_widths(t)
  for i, spec in ipairs(t.colspecs) do
    t.colspecs[i] = { spec[1], pandoc.ColWidthDefault }
  end
end

local function set_widths(t)
  if not TYPST then
    -- HTML sizes columns to content: nothing to measure.
    default_widths(t)
    return
  end
  local n = #t.colspecs
  local isi, kata = {}, {}
  for i = 1, n do
    isi[i], kata[i] = 0.5, 0.5
  end
  local function measure(rows)
    for _, row in ipairs(rows) do
      for i, cell in ipairs(row.cells) do
        if i <= n and cell.col_span == 1 then
          local s = stringify(cell.contents)
          isi[i] = math.max(isi[i], text_em(s))
          for w in s:gmatch("%S+") do
            -- laporan-layout.typ breaks an unbroken run of 16 characters or more every
            -- 8 (a URL, a long code), so no word needs more room than that.
            kata[i] = math.max(kata[i], math.min(text_em(w), KATA_MAKS_EM))
          end
        end
      end
    end
  end
  measure(t.head.rows)
  for _, body in ipairs(t.bodies) do
    measure(body.body)
  end
  -- Text width 160 mm = 453 pt; cells have 4 pt of inset each side; tables of 8 or
  -- more columns use 8 pt type, others 9.5 pt (laporan-layout.typ).
  local size = n >= 8 and 8 or 9.5
  local avail = (453 - 8 * n) / size
  local perlu, ingin = 0, 0
  for i = 1, n do
    perlu = perlu + kata[i]
    ingin = ingin + isi[i]
  end
  if ingin <= avail then
    default_widths(t)
    return
  end
  local r = math.max(0, math.min(1, (avail - perlu) / math.max(ingin - perlu, 1e-6)))
  local lebar, jumlah = {}, 0
  for i = 1, n do
    lebar[i] = kata[i] + r * (isi[i] - kata[i]) + 8 / size
    jumlah = jumlah + lebar[i]
  end
  for i, spec in ipairs(t.colspecs) do
    t.colspecs[i] = { spec[1], lebar[i] / jumlah }
  end
end

-- HTML cells, for laporan.css. Header cells say what they head (screen readers).
-- Every body cell carries its column's name (`data-label`): on a phone each row is
-- shown as a card of labelled figures. Right-aligned columns are figures (`angka`:
-- right-aligned, tabular, never wrapped); the first left-aligned column that is not
-- a row number names the row (`judul-baris`, the card's title); long free text
-- (`sel-panjang`) may wrap anywhere, names and dates only at spaces.
local function is_number_header(s)
  return s:match("^No%.?$") ~= nil
end

local function label_cells(t, rows)
  local names, judul = {}, nil
  for _, row in ipairs(t.head.rows) do
    for i, cell in ipairs(row.cells) do
      cell.attr.attributes["scope"] = "col"
      names[i] = trim(stringify(cell.contents))
    end
  end
  for i, spec in ipairs(t.colspecs) do
    local align = spec[1]
    if judul == nil and align ~= "AlignRight" and not is_number_header(names[i] or "") then
      judul = i
    end
  end
  local function mark(cell, i)
    local teks = stringify(cell.contents)
    if (utf8.len(teks) or #teks) > 40 then
      cell.attr.classes:insert("sel-panjang")
    end
    local align = t.colspecs[i] and t.colspecs[i][1]
    if align == "AlignRight" then
      cell.attr.classes:insert("angka")
    elseif i == judul then
      cell.attr.classes:insert("judul-baris")
    elseif is_number_header(names[i] or "") then
      cell.attr.classes:insert("nomor")
    end
  end
  for _, row in ipairs(t.head.rows) do
    for i, cell in ipairs(row.cells) do
      mark(cell, i)
    end
  end
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row.cells) do
      mark(cell, i)
      if names[i] and names[i] ~= "" then
        cell.attr.attributes["data-label"] = names[i]
      end
    end
  end
end

local function mark_rekap(div)
  if not div.classes:includes("tabel-rekap") then
    return nil
  end
  return div:walk({
    Table = function(t)
      t.attributes["laporan-rekap"] = "1"
      return t
    end,
  })
end

local function style_table(t)
  local rekap = t.attributes["laporan-rekap"] ~= nil
  t.attributes["laporan-rekap"] = nil

  set_widths(t)
  local nhead = #t.head.rows
  local rows = {}
  for _, body in ipairs(t.bodies) do
    for _, row in ipairs(body.body) do
      table.insert(rows, row)
    end
  end

  if HTML then
    label_cells(t, rows)
  end

  local sorot, tebal = {}, {}
  for i, row in ipairs(rows) do
    if rekap and row_label(row):upper():match("^KECAMATAN") then
      row.attr.classes:insert("baris-kecamatan")
      table.insert(sorot, tostring(nhead + i - 1))
    end
  end
  local last = rows[#rows]
  if last ~= nil and (rekap or is_total_label(row_label(last))) then
    last.attr.classes:insert("baris-total")
    table.insert(tebal, tostring(nhead + #rows - 1))
  end

  if TYPST then
    if #sorot == 0 and #tebal == 0 then
      return t
    end
    return {
      pandoc.RawBlock(
        "typst",
        "#laporan-tabel(kepala: " .. nhead .. ", sorot: " .. typst_array(sorot)
          .. ", tebal: " .. typst_array(tebal) .. ")["
      ),
      t,
      pandoc.RawBlock("typst", "]"),
    }
  end
  if HTML then
    -- Wide tables scroll inside their own box on a phone instead of widening the page.
    local name = trim(stringify(t.caption.long))
    if name == "" then
      name = "Tabel"
    end
    name = name:gsub("%s*{#[^}]*}%s*$", "")
    -- Attributes as a list of pairs, not a Lua table: pairs() over a table has no fixed
    -- order, and the HTML's bytes must not change from one build to the next.
    return pandoc.Div({ t }, pandoc.Attr("", { "tabel-gulir" }, {
      { "role", "region" },
      { "tabindex", "0" },
      { "aria-label", name },
    }))
  end
  return t
end

-- In Typst, a paragraph that introduces a table ("... adalah sebagai berikut :")
-- stays on the same page as the table.
local function starts_table(b)
  if b == nil then
    return false
  end
  if b.t == "Table" then
    return true
  end
  if b.t == "RawBlock" and b.format == "typst" and b.text:match("^#laporan%-tabel") then
    return true
  end
  if b.t == "Div" then
    return starts_table(b.content[1])
  end
  return false
end

-- Under Quarto the introduction may end a cell of its own: a paragraph at the end of
-- (nested) cell divs, with the table in the next cell.
local function ends_with_para(b)
  if b.t == "Para" then
    return true
  end
  if b.t == "Div" and is_cell_wrapper(b) and #b.content > 0 then
    return ends_with_para(b.content[#b.content])
  end
  return false
end

-- Cell divs carry nothing in Typst; opened up, the paragraph becomes a sibling of
-- the table's block, and only siblings can stick together.
local function open_cells(b)
  local out = pandoc.Blocks({})
  if b.t == "Div" and is_cell_wrapper(b) then
    for _, c in ipairs(b.content) do
      out:extend(open_cells(c))
    end
  else
    out:insert(b)
  end
  return out
end

local function sticky_intros(blocks)
  local out = pandoc.Blocks({})
  for i, b in ipairs(blocks) do
    if ends_with_para(b) and starts_table(blocks[i + 1]) then
      local opened = open_cells(b)
      local intro = table.remove(opened)
      out:extend(opened)
      out:insert(pandoc.RawBlock("typst", "#block(sticky: true)["))
      out:insert(intro)
      out:insert(pandoc.RawBlock("typst", "]"))
    else
      out:insert(b)
    end
  end
  return out
end

-- 4. The month's note (`::: {.catatan-bulan}`, crmlib.report.catatan) -------------------
-- One neutral class, the same box in both renderers: a note landmark styled by
-- laporan.css in HTML, `laporan-catatan[...]` of laporan-layout.typ in Typst. (A
-- Quarto callout would get an English "Note" title in HTML and a second title in Typst.)

local function note_box(div)
  if not div.classes:includes("catatan-bulan") then
    return nil
  end
  if TYPST then
    local out = pandoc.Blocks({ pandoc.RawBlock("typst", "#laporan-catatan[") })
    out:extend(div.content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
  if HTML then
    div.attributes["role"] = "note"
    return div
  end
  return nil
end

-- Text alternative of a chart (`![caption](grafik/x.png){#fig-x fig-alt="..."}`, from
-- crmlib.report): what the chart shows in numbers. Quarto reads `fig-alt` itself; the
-- embedded renderer makes it the image's description, which pandoc writes as `alt`.
-- A Typst string literal: the backslash and the double quote are special there (line
-- breaks become spaces).
local function typst_string(s)
  return '"' .. s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("[\r\n]", " ") .. '"'
end

local function figure_alt(f)
  local alt = nil
  f = f:walk({
    Image = function(img)
      alt = img.attributes["fig-alt"]
      if alt == nil then
        return nil
      end
      img.attributes["fig-alt"] = nil
      img.caption = { pandoc.Str(alt) }
      if TYPST then
        -- pandoc's Typst writer drops the description; a tagged PDF (PDF/A-3a of a
        -- final edition) needs it as the image's `alt`.
        return pandoc.RawInline(
          "typst",
          "#image(" .. typst_string(img.src) .. ", alt: " .. typst_string(alt) .. ")"
        )
      end
      return img
    end,
  })
  return alt ~= nil and f or nil
end

-- 6. Indonesian hyphenation for Typst -------------------------------------------------
-- Typst's hyphenation patterns have no Indonesian: with lang "id" it never breaks a
-- word, and justified lines get wide gaps. Soft hyphens (U+00AD), which Typst honours
-- in any language, are put at the syllable boundaries of the Indonesian spelling rules
-- (PUEBI): a single consonant goes with the next vowel (pe-nye-le-sai-an), between
-- consonants the break follows the first (in-struk-si, meng-gan-ti), neighbouring
-- vowels split unless they form a diphthong (ai, au, ei, oi); kh, ng, ny and sy are
-- one consonant. (The id_ID patterns of LibreOffice/pyphen break "ma-sya-ra-k-at" and
-- "ke-lu-r-ah-an", and pandoc's Lua has no access to them under Quarto anyway.)
-- Only plain lower-case words of 6 letters or more: names (a unit, a month, a place:
-- "Rawamangun", "September") are broken only at spaces, as are words in capitals,
-- numbers, codes and headings. laporan-layout.typ keeps the soft hyphens out of the
-- PDF's text, so every word is copied and found whole.

local VOWEL = { a = true, i = true, u = true, e = true, o = true }
local DIGRAPH = { kh = true, ng = true, ny = true, sy = true }
local DIPHTHONG = { ai = true, au = true, ei = true, oi = true }
local SHY = "\u{AD}"

local function syllables(word)
  local lower = word:lower()
  local units, i = {}, 1
  while i <= #lower do
    local two = lower:sub(i, i + 1)
    local len = DIGRAPH[two] and 2 or 1
    local s = lower:sub(i, i + len - 1)
    table.insert(units, { s = s, at = i, vowel = len == 1 and VOWEL[s] == true })
    i = i + len
  end
  local vowels = {}
  for k, u in ipairs(units) do
    if u.vowel then
      table.insert(vowels, k)
    end
  end
  local cuts = {}
  for n = 1, #vowels - 1 do
    local a, b = vowels[n], vowels[n + 1]
    local gap = b - a - 1
    local cut
    if gap == 0 then
      cut = not DIPHTHONG[units[a].s .. units[b].s] and b or nil
    elseif gap == 1 then
      cut = a + 1
    else
      cut = a + 2
    end
    -- At least two letters on each side of a break.
    if cut and units[cut].at > 2 and units[cut].at <= #lower - 1 then
      table.insert(cuts, units[cut].at)
    end
  end
  local parts, from = {}, 1
  for _, at in ipairs(cuts) do
    table.insert(parts, word:sub(from, at - 1))
    from = at
  end
  table.insert(parts, word:sub(from))
  return table.concat(parts, SHY)
end

local function hyphenate_str(el)
  local lead, word, tail = el.text:match("^(%p*)(%a+)(%p*)$")
  if word == nil or #word < 6 or word:match("%u") then
    return nil
  end
  el.text = lead .. syllables(word) .. tail
  return el
end

local function hyphenate_block(b)
  return b:walk({ Str = hyphenate_str })
end

-- Running text only: table cells keep their words whole (Typst sizes the columns),
-- and centred captions of charts need no breaks.
local HYPHENATE = {
  traverse = "topdown",
  Table = function(t)
    return t, false
  end,
  Figure = function(f)
    return f, false
  end,
  Para = hyphenate_block,
  Plain = hyphenate_block,
}

-- 7. A chapter's last page ------------------------------------------------------------
-- The paragraph that ends a chapter is not split across pages: otherwise its last
-- one or two lines can be all that the chapter's last page holds before the next
-- chapter's new page.
local function whole_last_paragraphs(blocks)
  local out = pandoc.Blocks({})
  for i, b in ipairs(blocks) do
    local nxt = blocks[i + 1]
    if nxt ~= nil and nxt.t == "Header" and nxt.level == 1 and ends_with_para(b) then
      local opened = open_cells(b)
      local last = table.remove(opened)
      out:extend(opened)
      out:insert(pandoc.RawBlock("typst", "#block(breakable: false)["))
      out:insert(last)
      out:insert(pandoc.RawBlock("typst", "]"))
    else
      out:insert(b)
    end
  end
  return out
end

-- 5. Numbering for the embedded renderer ----------------------------------------------

local function prefix_caption(caption, label)
  local lead = pandoc.Span({ pandoc.Str(label .. ":") }, pandoc.Attr("", { "nomor-keterangan" }))
  local blocks = caption.long
  if #blocks == 0 then
    caption.long = { pandoc.Plain({ lead }) }
  elseif blocks[1].content ~= nil then
    blocks[1].content:insert(1, pandoc.Space())
    blocks[1].content:insert(1, lead)
  end
  return caption
end

local function number_floats(doc)
  local bab, ntbl, nfig = 0, 0, 0
  local labels = {}
  doc = doc:walk({
    traverse = "topdown",
    Header = function(h)
      if h.level == 1 then
        bab, ntbl, nfig = bab + 1, 0, 0
      end
      return nil
    end,
    Table = function(t)
      if t.identifier:match("^tbl%-") then
        ntbl = ntbl + 1
        local label = "Tabel " .. bab .. "." .. ntbl
        labels[t.identifier] = label
        if HTML then
          t.caption = prefix_caption(t.caption, label)
          return t
        end
      end
      return nil
    end,
    Figure = function(f)
      if f.identifier:match("^fig%-") then
        nfig = nfig + 1
        local label = "Gambar " .. bab .. "." .. nfig
        labels[f.identifier] = label
        if HTML then
          f.caption = prefix_caption(f.caption, label)
          return f
        end
      end
      return nil
    end,
  })
  return doc:walk({
    Cite = function(c)
      if #c.citations ~= 1 then
        return nil
      end
      local id = c.citations[1].id
      if labels[id] == nil then
        return nil
      end
      if TYPST then
        return pandoc.RawInline("typst", "#ref(<" .. id .. ">)")
      end
      return pandoc.Link({ pandoc.Str(labels[id]) }, "#" .. id)
    end,
  })
end

-- 8. The renderer in plain words ------------------------------------------------------
-- "Tentang laporan ini" ends with "Dibuat dengan crm-report versi ... dan <renderer>."
-- (typst-show.typ, title-block.html): the `renderer` metadata ("embedded", "quarto")
-- is a build setting, `renderer-teks` what it means to a reader.
local RENDERER_TEKS = { embedded = "pandoc + Typst", quarto = "Quarto" }

local function renderer_words(meta)
  local r = meta.renderer and stringify(meta.renderer) or ""
  if RENDERER_TEKS[r] then
    meta["renderer-teks"] = pandoc.MetaInlines({ pandoc.Str(RENDERER_TEKS[r]) })
  end
  return meta
end

-- 9. A chart's phone drawing ---------------------------------------------------------
-- crmlib.report writes each chart's phone drawing before the chart's figure:
--   ::: {.grafik-ponsel}
--   ![text alternative](grafik/x-ponsel.png){#ponsel-x}
--   :::
-- Print has no use for it. In HTML it is a plain image (not a numbered figure, whatever
-- pandoc made of an image alone in its paragraph), which laporan.css shows instead of
-- the figure's own image on a phone.
local function phone_drawing(div)
  if not div.classes:includes("grafik-ponsel") then
    return nil
  end
  if not HTML then
    return {}
  end
  local img, alt = nil, nil
  div:walk({
    Figure = function(f)
      alt = alt or stringify(f.caption.long)
    end,
    Image = function(i)
      img = img or i
    end,
  })
  if img == nil then
    return {}
  end
  if #img.caption == 0 and alt ~= nil then
    img.caption = { pandoc.Str(alt) }
  end
  img.identifier = ""
  return pandoc.Div({ pandoc.Plain({ img }) }, pandoc.Attr("", { "grafik-ponsel" }))
end

function Pandoc(doc)
  doc.meta = renderer_words(doc.meta)
  doc = doc:walk({ Div = phone_drawing })
  doc = doc:walk({ Div = unwrap_cell, Cite = literal_cite })
  doc = doc:walk({ Div = mark_rekap })
  doc = doc:walk({ Div = note_box })
  doc = doc:walk({ Table = style_table })
  if TYPST then
    doc = doc:walk({ Blocks = sticky_intros })
  end
  if not in_quarto then
    doc = number_floats(doc)
    doc = doc:walk({ Figure = figure_alt })
  end
  if TYPST then
    doc = doc:walk(HYPHENATE)
    doc.blocks = whole_last_paragraphs(doc.blocks)
  end
  return doc
end
