/**
 * Images in: decoding and preprocessing, matching Hugging Face transformers v4.47.1 + Pillow 9.4 bit for bit.
 *
 * <p>Flow on a request's own thread (never the engine thread):
 * <pre>{@code
 * ImageDecoder decoder = new ImageDecoder(limits);                          // once per server
 * VisionPreprocessor vp = VisionPreprocessor.fromModelDir(modelDir);        // once per model
 * List<DecodedImage> images = bytes.stream().map(decoder::decode).toList(); // ImageException -> 400
 * VisionPreprocessor.Prepared p = vp.prepare(renderedPrompt, images);       // ImageException -> 400
 * // tokenize p.expandedPrompt(); p.images().get(i).arrays() are the model inputs (pixel_values, masks, grids)
 * }</pre>
 * {@link dev.jnim.vision.preprocess} holds the processors, Pillow's resampling and colour conversions, the prompt
 * expanders and the golden runner.
 */
package dev.jnim.vision;
