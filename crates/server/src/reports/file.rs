//! A report's file, written row by row: CSV (RFC 4180, UTF-8, formula-like text escaped) or a
//! JSON array, packed as it is written (plain, gzip or a one-file zip). Bytes come out as they
//! are ready (`take`), so a report of any size is held in memory one chunk at a time.

use flate2::write::{DeflateEncoder, GzEncoder};
use flate2::Compression as Level;
use shipshape_model::report::{Compression, FileFormat};
use std::io::Write;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Int(i64),
    Num(f64),
    Text(String),
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        v.map_or(Cell::Empty, Cell::Text)
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_string())
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl From<u64> for Cell {
    fn from(v: u64) -> Self {
        Cell::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Num)
    }
}

/// Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice for CSV
/// injection): `=`, `+`, `-`, `@`, tab and carriage return.
pub fn defuse(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled).
fn csv_field(out: &mut Vec<u8>, cell: &Cell) {
    match cell {
        Cell::Empty => {}
        Cell::Int(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Cell::Num(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Cell::Text(t) => {
            let t = defuse(t);
            if t.contains([',', '"', '\n', '\r']) {
                out.push(b'"');
                out.extend_from_slice(t.replace('"', "\"\"").as_bytes());
                out.push(b'"');
            } else {
                out.extend_from_slice(t.as_bytes());
            }
        }
    }
}

fn csv_line(out: &mut Vec<u8>, cells: &[Cell]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_field(out, c);
    }
    out.extend_from_slice(b"\r\n");
}

fn json_value(cell: &Cell) -> serde_json::Value {
    match cell {
        Cell::Empty => serde_json::Value::Null,
        Cell::Int(v) => (*v).into(),
        Cell::Num(v) => {
            serde_json::Number::from_f64(*v).map_or(serde_json::Value::Null, Into::into)
        }
        Cell::Text(t) => t.as_str().into(),
    }
}

/// The file being written.
pub struct ReportFile {
    format: FileFormat,
    columns: Vec<&'static str>,
    pack: Pack,
    rows: u64,
    line: Vec<u8>,
}

impl ReportFile {
    /// A file with these columns (the CSV header row is written now); `name` is the file
    /// inside a zip.
    pub fn new(
        format: FileFormat,
        compression: Compression,
        columns: Vec<&'static str>,
        name: &str,
    ) -> Self {
        let mut file = ReportFile {
            format,
            columns,
            pack: Pack::new(compression, name),
            rows: 0,
            line: Vec::with_capacity(1024),
        };
        match format {
            FileFormat::Csv => {
                let header: Vec<Cell> = file.columns.iter().map(|c| Cell::from(*c)).collect();
                csv_line(&mut file.line, &header);
            }
            FileFormat::Json => file.line.push(b'['),
        }
        file.flush_line();
        file
    }

    pub fn columns(&self) -> &[&'static str] {
        &self.columns
    }

    /// Adds a row (one cell per column, in order).
    pub fn row(&mut self, cells: &[Cell]) {
        debug_assert_eq!(cells.len(), self.columns.len());
        match self.format {
            FileFormat::Csv => csv_line(&mut self.line, cells),
            FileFormat::Json => {
                let object: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(cells)
                    .map(|(k, v)| ((*k).to_string(), json_value(v)))
                    .collect();
                self.line
                    .extend_from_slice(if self.rows == 0 { b"\n" } else { b",\n" });
                let _ = serde_json::to_writer(&mut self.line, &object);
            }
        }
        self.rows += 1;
        self.flush_line();
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The packed bytes ready so far (taken: the next call gives what came after).
    pub fn take(&mut self) -> Vec<u8> {
        self.pack.take()
    }

    /// Bytes waiting to be taken.
    pub fn ready(&self) -> usize {
        self.pack.ready()
    }

    /// Ends the file; its last bytes.
    pub fn finish(mut self) -> Vec<u8> {
        if self.format == FileFormat::Json {
            self.line.extend_from_slice(b"\n]\n");
            self.flush_line();
        }
        self.pack.finish()
    }

    fn flush_line(&mut self) {
        self.pack.write(&self.line);
        self.line.clear();
    }
}

/// Packing as bytes go in.
enum Pack {
    Plain(Vec<u8>),
    Gzip(GzEncoder<Vec<u8>>),
    Zip(ZipStream),
}

impl Pack {
    fn new(compression: Compression, name: &str) -> Self {
        match compression {
            Compression::None => Pack::Plain(Vec::new()),
            Compression::Gzip => Pack::Gzip(GzEncoder::new(Vec::new(), Level::default())),
            Compression::Zip => Pack::Zip(ZipStream::new(name)),
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        // Writing into a Vec cannot fail.
        let _ = match self {
            Pack::Plain(v) => v.write_all(bytes),
            Pack::Gzip(g) => g.write_all(bytes),
            Pack::Zip(z) => z.write(bytes),
        };
    }

    fn ready(&self) -> usize {
        match self {
            Pack::Plain(v) => v.len(),
            Pack::Gzip(g) => g.get_ref().len(),
            Pack::Zip(z) => z.deflate.get_ref().len(),
        }
    }

    fn take(&mut self) -> Vec<u8> {
        match self {
            Pack::Plain(v) => std::mem::take(v),
            Pack::Gzip(g) => std::mem::take(g.get_mut()),
            Pack::Zip(z) => z.take(),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Pack::Plain(v) => v,
            Pack::Gzip(g) => g.finish().unwrap_or_default(),
            Pack::Zip(z) => z.finish(),
        }
    }
}

/// A zip archive of one file, written as a stream: the local header first (sizes and CRC
/// follow the data in a data descriptor, general-purpose flag bit 3), deflated data, then the
/// central directory. Sizes up to 4 GiB (no ZIP64).
struct ZipStream {
    name: Vec<u8>,
    deflate: DeflateEncoder<Vec<u8>>,
    crc: crc32fast::Hasher,
    /// Uncompressed bytes in.
    size: u64,
    /// Compressed bytes taken out so far (the local header's included).
    taken: u64,
    header_len: u64,
}

const ZIP_FLAGS: u16 = 0x0008 | 0x0800; // data descriptor; UTF-8 name
const DEFLATE: u16 = 8;
/// 1980-01-01 00:00 in DOS time and date.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = 0x21;

impl ZipStream {
    fn new(name: &str) -> Self {
        let name = name.as_bytes().to_vec();
        let mut out = Vec::new();
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&ZIP_FLAGS.to_le_bytes());
        out.extend_from_slice(&DEFLATE.to_le_bytes());
        out.extend_from_slice(&DOS_TIME.to_le_bytes());
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&[0; 12]); // CRC and sizes: in the data descriptor
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&name);
        let header_len = out.len() as u64;
        ZipStream {
            name,
            deflate: DeflateEncoder::new(out, Level::default()),
            crc: crc32fast::Hasher::new(),
            size: 0,
            taken: 0,
            header_len,
        }
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.size += bytes.len() as u64;
        self.deflate.write_all(bytes)
    }

    fn take(&mut self) -> Vec<u8> {
        let out = std::mem::take(self.deflate.get_mut());
        self.taken += out.len() as u64;
        out
    }

    fn finish(self) -> Vec<u8> {
        let ZipStream {
            name,
            deflate,
            crc,
            size,
            taken,
            header_len,
        } = self;
        let mut out = deflate.finish().unwrap_or_default();
        let compressed = (taken + out.len() as u64 - header_len) as u32;
        let data_end = taken + out.len() as u64;
        let crc = crc.finalize();
        let size = size as u32;
        out.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&compressed.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        let central_at = data_end + 16;
        let mut central = Vec::new();
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&20u16.to_le_bytes()); // needed
        central.extend_from_slice(&ZIP_FLAGS.to_le_bytes());
        central.extend_from_slice(&DEFLATE.to_le_bytes());
        central.extend_from_slice(&DOS_TIME.to_le_bytes());
        central.extend_from_slice(&DOS_DATE.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&compressed.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // the local header's offset
        central.extend_from_slice(&name);
        let central_len = central.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&central_len.to_le_bytes());
        out.extend_from_slice(&(central_at as u32).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn write_all(format: FileFormat, compression: Compression, rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut f = ReportFile::new(format, compression, vec!["name", "score", "note"], "r.csv");
        let mut out = Vec::new();
        for r in rows {
            f.row(r);
            // Taken as it goes, as the job does.
            if f.ready() > 64 {
                out.extend(f.take());
            }
        }
        out.extend(f.take());
        out.extend(f.finish());
        out
    }

    fn sample() -> Vec<Vec<Cell>> {
        (0..500)
            .map(|i| {
                vec![
                    Cell::Text(format!("row {i}, \"quoted\"\nnext line")),
                    Cell::Num(f64::from(i) / 2.0),
                    if i % 3 == 0 {
                        Cell::Text("=HYPERLINK(\"x\")".into())
                    } else {
                        Cell::Empty
                    },
                ]
            })
            .collect()
    }

    #[test]
    fn csv_is_rfc_4180_with_formulas_defused() {
        let bytes = write_all(FileFormat::Csv, Compression::None, &sample());
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("name,score,note\r\n"));
        assert!(
            text.contains("\"row 0, \"\"quoted\"\"\nnext line\",0,\"'=HYPERLINK(\"\"x\"\")\"\r\n")
        );
        assert!(text.contains("\"row 1, \"\"quoted\"\"\nnext line\",0.5,\r\n"));
        for (t, expected) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(defuse(t), expected);
        }
        // Numbers are numbers, not text to defuse.
        let mut f = ReportFile::new(FileFormat::Csv, Compression::None, vec!["n"], "x");
        f.row(&[Cell::Int(-3)]);
        assert_eq!(String::from_utf8(f.finish()).unwrap(), "n\r\n-3\r\n");
    }

    #[test]
    fn json_is_one_array_of_objects() {
        let bytes = write_all(FileFormat::Json, Compression::None, &sample());
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let rows = v.as_array().unwrap();
        assert_eq!(rows.len(), 500);
        assert_eq!(rows[1]["score"], 0.5);
        assert_eq!(rows[1]["note"], serde_json::Value::Null);
        assert_eq!(
            rows[0]["note"], "=HYPERLINK(\"x\")",
            "JSON is not for spreadsheets"
        );
        let empty = ReportFile::new(FileFormat::Json, Compression::None, vec!["a"], "x").finish();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&empty).unwrap(),
            serde_json::json!([])
        );
    }

    #[test]
    fn gzip_and_zip_unpack_to_the_plain_file() {
        let plain = write_all(FileFormat::Csv, Compression::None, &sample());
        let gz = write_all(FileFormat::Csv, Compression::Gzip, &sample());
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, plain);
        assert!(gz.len() < plain.len());

        let zip = write_all(FileFormat::Csv, Compression::Zip, &sample());
        // Read back through the central directory, as unzip does.
        let eocd = zip.len() - 22;
        assert_eq!(&zip[eocd..eocd + 4], &0x0605_4b50u32.to_le_bytes());
        let central_at = u32::from_le_bytes(zip[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
        let c = &zip[central_at..];
        assert_eq!(&c[..4], &0x0201_4b50u32.to_le_bytes());
        let crc = u32::from_le_bytes(c[16..20].try_into().unwrap());
        let compressed = u32::from_le_bytes(c[20..24].try_into().unwrap()) as usize;
        let size = u32::from_le_bytes(c[24..28].try_into().unwrap()) as usize;
        let name_len = u16::from_le_bytes(c[28..30].try_into().unwrap()) as usize;
        assert_eq!(&c[46..46 + name_len], b"r.csv");
        let local_name = u16::from_le_bytes(zip[26..28].try_into().unwrap()) as usize;
        let data = &zip[30 + local_name..30 + local_name + compressed];
        let mut back = Vec::new();
        flate2::read::DeflateDecoder::new(data)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, plain);
        assert_eq!(size, plain.len());
        assert_eq!(crc, crc32fast::hash(&plain));
        // The data descriptor after the data repeats them.
        let dd = 30 + local_name + compressed;
        assert_eq!(&zip[dd..dd + 4], &0x0807_4b50u32.to_le_bytes());
        assert_eq!(
            u32::from_le_bytes(zip[dd + 4..dd + 8].try_into().unwrap()),
            crc
        );
    }
}
