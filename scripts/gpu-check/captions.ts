// The captions every GPU check embeds: short and long, plain and unusual, one past 77 tokens.
export const CAPTIONS: readonly string[] = [
  'a photo of a cat',
  'a dog',
  'a cup of coffee on a wooden table',
  'a man holding a camera in a park',
  'a diagram of two dogs playing in the snow, 3 balls!',
  'naïve café déjà vu über Straße 東京 😀',
  'an aerial photograph of a river delta at sunset, with fishing boats',
  'a close-up of a red traffic light in the rain',
  'the text "OPEN 24 HOURS" on a neon sign',
  'a bowl of ramen with an egg, chopsticks and green onions',
  'a black and white photo of an old steam locomotive',
  '',
  'a child drawing of a house with a sun',
  'a screenshot of a spreadsheet',
  "it's   a\tTEST  & more",
  Array(8).fill('the quick brown fox jumps over the lazy dog and keeps running far away').join(' '),
];
