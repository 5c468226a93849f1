//! Audio files in and out: any common WAV read and brought to 8 kHz mono
//! 16-bit once (hound + rubato), and the recording writer.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The rate of everything the runtime plays and records.
pub const RATE: u32 = 8_000;

/// Read a WAV file (PCM 8–32 bit or float, any rate and channel count) as
/// 8 kHz mono 16-bit samples.
pub fn read_wav(path: &Path) -> Result<Vec<i16>, String> {
    let reader = hound::WavReader::open(path).map_err(|e| format!("`{}`: {e}", path.display()))?;
    decode_wav(reader).map_err(|e| format!("`{}`: {e}", path.display()))
}

/// The same, from bytes in memory (espeak-ng's output).
pub fn wav_from_bytes(bytes: &[u8]) -> Result<Vec<i16>, String> {
    let mut bytes = bytes.to_vec();
    fix_streamed_sizes(&mut bytes);
    let reader = hound::WavReader::new(io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    decode_wav(reader)
}

/// A WAV written to a pipe cannot go back to fill in its sizes, so
/// espeak-ng's `--stdout` says "huge": cut the data chunk's size to what
/// arrived.
fn fix_streamed_sizes(bytes: &mut [u8]) {
    let le32 = |b: &[u8], at: usize| {
        b.get(at..at + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .map(u32::from_le_bytes)
    };
    if bytes.get(..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return;
    }
    let total = bytes.len();
    if let Some(slot) = bytes.get_mut(4..8) {
        slot.copy_from_slice(&u32::try_from(total.saturating_sub(8)).unwrap_or(u32::MAX).to_le_bytes());
    }
    let mut at = 12usize;
    while let (Some(id), Some(size)) = (bytes.get(at..at + 4), le32(bytes, at + 4)) {
        let body = at + 8;
        if id == b"data" {
            let real = u32::try_from(total.saturating_sub(body)).unwrap_or(u32::MAX);
            if let Some(slot) = bytes.get_mut(at + 4..at + 8) {
                slot.copy_from_slice(&size.min(real).to_le_bytes());
            }
            return;
        }
        at = body.saturating_add(size as usize + (size as usize & 1));
    }
}

fn decode_wav<R: io::Read>(reader: hound::WavReader<R>) -> Result<Vec<i16>, String> {
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    // Samples as f32 in −1..1, whatever the format.
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .into_samples::<f32>()
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?
        }
    };
    let mono: Vec<f32> = samples
        .chunks(channels)
        .map(|frame| frame.iter().sum::<f32>() / frame.len().max(1) as f32)
        .collect();
    let resampled = resample(&mono, spec.sample_rate, RATE)?;
    Ok(resampled.iter().map(|s| to_i16(*s)).collect())
}

fn to_i16(s: f32) -> i16 {
    (s * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16
}

/// Resample a mono clip (the FFT resampler: the ratio is fixed, and the
/// whole clip is in memory).
pub fn resample(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>, String> {
    if from == to || input.is_empty() {
        return Ok(input.to_vec());
    }
    if from == 0 {
        return Err("the sample rate is 0".to_string());
    }
    let mut resampler = Fft::<f32>::new(from as usize, to as usize, 1_024, 1, FixedSync::Input)
        .map_err(|e| format!("cannot resample from {from} Hz: {e}"))?;
    let adapter = InterleavedSlice::new(input, 1, input.len()).map_err(|e| e.to_string())?;
    let out = resampler
        .process_all(&adapter, input.len(), None)
        .map_err(|e| e.to_string())?;
    Ok(out.take_data())
}

/// A 16-bit mono 8 kHz WAV file written as audio arrives. The header is
/// rewritten at every flush, so the file is a valid WAV up to the last
/// flush even if the process dies; the caller flushes at least every
/// second. (Hand-written rather than hound's writer because trimming
/// silence needs to cut the file back.)
pub struct WavWriter {
    file: BufWriter<File>,
    pub path: PathBuf,
    /// Samples written (and kept: `truncate_to` may cut them back).
    samples: u64,
}

const HEADER: u64 = 44;
/// A WAV's sizes are 32-bit: stop at 4 GiB of data.
const MAX_SAMPLES: u64 = (u32::MAX as u64 - HEADER) / 2;

impl WavWriter {
    pub fn create(path: &Path) -> io::Result<WavWriter> {
        let mut file = BufWriter::new(File::create(path)?);
        file.write_all(&header(0))?;
        Ok(WavWriter {
            file,
            path: path.to_path_buf(),
            samples: 0,
        })
    }

    pub fn write(&mut self, samples: &[i16]) -> io::Result<()> {
        let room = MAX_SAMPLES.saturating_sub(self.samples);
        let take = samples.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let mut bytes = Vec::with_capacity(take * 2);
        for s in samples.iter().take(take) {
            bytes.extend_from_slice(&s.to_le_bytes());
        }
        self.file.write_all(&bytes)?;
        self.samples += take as u64;
        Ok(())
    }

    pub fn samples(&self) -> u64 {
        self.samples
    }

    pub fn duration_ms(&self) -> u64 {
        self.samples * 1_000 / u64::from(RATE)
    }

    /// Write out what is buffered and update the header's sizes.
    pub fn flush(&mut self) -> io::Result<()> {
        self.file.flush()?;
        let file = self.file.get_mut();
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header(self.samples))?;
        file.seek(SeekFrom::End(0))?;
        file.flush()
    }

    /// Keep only the first `samples` (trailing silence cut off) and close.
    pub fn finish(mut self, keep: Option<u64>) -> io::Result<u64> {
        self.file.flush()?;
        if let Some(keep) = keep.filter(|k| *k < self.samples) {
            self.samples = keep;
            self.file.get_mut().set_len(HEADER + keep * 2)?;
        }
        self.flush()?;
        self.file.get_ref().sync_data()?;
        Ok(self.samples)
    }
}

fn header(samples: u64) -> [u8; 44] {
    let data = u32::try_from(samples * 2).unwrap_or(u32::MAX);
    let mut h = [0u8; 44];
    let mut put = |at: usize, bytes: &[u8]| {
        if let Some(slot) = h.get_mut(at..at + bytes.len()) {
            slot.copy_from_slice(bytes);
        }
    };
    put(0, b"RIFF");
    put(4, &data.saturating_add(36).to_le_bytes());
    put(8, b"WAVEfmt ");
    put(16, &16u32.to_le_bytes());
    put(20, &1u16.to_le_bytes()); // PCM
    put(22, &1u16.to_le_bytes()); // mono
    put(24, &RATE.to_le_bytes());
    put(28, &(RATE * 2).to_le_bytes());
    put(32, &2u16.to_le_bytes());
    put(34, &16u16.to_le_bytes());
    put(36, b"data");
    put(40, &data.to_le_bytes());
    h
}

/// Write a whole clip (the prompt cache).
pub fn write_wav(path: &Path, samples: &[i16]) -> io::Result<()> {
    let mut w = WavWriter::create(path)?;
    w.write(samples)?;
    w.finish(None).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("callflow-audio-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn a_recording_is_readable_after_each_flush() {
        let path = scratch("flush.wav");
        let mut w = WavWriter::create(&path).unwrap();
        w.write(&[1000; 8_000]).unwrap();
        w.flush().unwrap();
        // Another reader sees a complete 1 s file while recording goes on.
        let r = hound::WavReader::open(&path).unwrap();
        assert_eq!(r.duration(), 8_000);
        w.write(&[0; 4_000]).unwrap();
        let kept = w.finish(Some(8_000)).unwrap();
        assert_eq!(kept, 8_000);
        let r = hound::WavReader::open(&path).unwrap();
        assert_eq!(
            (r.spec().sample_rate, r.spec().channels, r.duration()),
            (8_000, 1, 8_000)
        );
    }

    #[test]
    fn any_wav_comes_out_at_8_khz_mono() {
        let path = scratch("stereo44.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44_100,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for n in 0..44_100 {
            let v = (8_000.0 * (2.0 * std::f32::consts::PI * 440.0 * n as f32 / 44_100.0).sin()) as i16;
            w.write_sample(v).unwrap();
            w.write_sample(v).unwrap();
        }
        w.finalize().unwrap();
        let samples = read_wav(&path).unwrap();
        assert!((7_990..=8_010).contains(&samples.len()), "{}", samples.len());
        let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!((7_000..=9_000).contains(&peak), "{peak}");
    }

    #[test]
    fn a_missing_or_broken_file_is_an_error() {
        assert!(read_wav(Path::new("/nonexistent/x.wav")).is_err());
        let path = scratch("broken.wav");
        std::fs::write(&path, b"RIFF nonsense").unwrap();
        assert!(read_wav(&path).is_err());
    }
}
