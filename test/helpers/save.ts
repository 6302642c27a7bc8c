/**
 * Save a model to memory and load it back, as `model.save` and `tf.loadLayersModel` do for files.
 */
import * as tf from '@tensorflow/tfjs';

/** `model` saved (topology and weights) and loaded back as a new model. */
export async function saveAndLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('saveAndLoad: the model saved nothing');
  return tf.loadLayersModel(tf.io.fromMemory(saved));
}
