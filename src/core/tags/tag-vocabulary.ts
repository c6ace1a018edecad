// The photo library's default tags (noun phrases that read well after "a photo of the"), the
// templates they are ensembled over, and the background captions that name nothing.
import type { TagCategory } from '../../shared/library';

export const TAG_CATEGORIES: readonly TagCategory[] = [
  {
    name: 'people',
    tags: [
      'selfie', 'portrait', 'group photo', 'group of people', 'crowd', 'baby', 'toddler', 'child',
      'children playing', 'teenager', 'family', 'couple', 'friends', 'elderly person', 'man', 'woman',
      'face', 'smiling person', 'hands',
    ],
  },
  {
    name: 'animals',
    tags: [
      'dog', 'puppy', 'cat', 'kitten', 'pet', 'bird', 'parrot', 'duck', 'chicken', 'horse', 'cow', 'sheep',
      'pig', 'rabbit', 'fish', 'butterfly', 'bee', 'insect', 'snake', 'turtle', 'deer', 'bear', 'lion',
      'tiger', 'elephant', 'giraffe', 'zebra', 'monkey', 'penguin', 'dolphin',
    ],
  },
  {
    name: 'food and drink',
    tags: [
      'food', 'meal', 'breakfast', 'pizza', 'burger', 'sandwich', 'salad', 'soup', 'pasta', 'sushi',
      'noodles', 'steak', 'fried chicken', 'tacos', 'french fries', 'bread', 'fruit', 'vegetables', 'cake',
      'birthday cake', 'ice cream', 'chocolate', 'dessert', 'coffee', 'tea', 'cocktail', 'wine', 'beer',
      'groceries',
    ],
  },
  {
    name: 'household objects',
    tags: [
      'chair', 'sofa', 'bed', 'table', 'desk', 'lamp', 'bookshelf', 'book', 'houseplant',
      'bouquet of flowers', 'clock', 'mirror', 'window', 'door', 'stairs', 'cup', 'plate', 'bottle', 'bag',
      'backpack', 'suitcase', 'umbrella', 'toy', 'teddy bear', 'lego bricks', 'balloons', 'gift box',
    ],
  },
  {
    name: 'electronics',
    tags: [
      'smartphone', 'laptop', 'desktop computer', 'computer keyboard', 'television', 'camera', 'headphones',
      'game controller', 'tablet computer', 'smartwatch', 'speaker', 'drone',
    ],
  },
  {
    name: 'vehicles',
    tags: [
      'car', 'sports car', 'truck', 'bus', 'train', 'motorcycle', 'bicycle', 'scooter', 'boat', 'sailboat',
      'ship', 'airplane', 'helicopter', 'tractor', 'taxi', 'car interior',
    ],
  },
  {
    name: 'clothing and accessories',
    tags: [
      'clothes', 'dress', 't-shirt', 'jacket', 'shoes', 'sneakers', 'hat', 'baseball cap', 'sunglasses',
      'eyeglasses', 'wristwatch', 'jewelry', 'handbag', 'swimsuit', 'uniform', 'costume',
    ],
  },
  {
    name: 'places',
    tags: [
      'beach', 'mountain', 'lake', 'river', 'waterfall', 'forest', 'park', 'garden', 'field', 'desert',
      'island', 'coast', 'city street', 'city skyline', 'village', 'countryside', 'farm', 'road', 'highway',
      'bridge', 'skyscraper', 'house', 'church', 'castle', 'museum', 'supermarket', 'market', 'restaurant',
      'cafe', 'hotel room', 'office', 'kitchen', 'living room', 'bedroom', 'bathroom', 'classroom', 'gym',
      'swimming pool', 'playground', 'stadium', 'airport', 'train station', 'parking lot', 'amusement park',
      'zoo', 'campsite', 'ski slope', 'backyard',
    ],
  },
  {
    name: 'nature',
    tags: [
      'tree', 'palm tree', 'flowers', 'sunflower', 'cherry blossoms', 'grass', 'leaves', 'autumn leaves',
      'mushroom', 'cactus', 'rocks', 'sand', 'waves', 'ocean', 'sky', 'clouds', 'moon', 'stars', 'rainbow',
      'landscape', 'hills', 'meadow', 'jungle', 'volcano',
    ],
  },
  {
    name: 'weather and light',
    tags: [
      'rain', 'snow', 'fog', 'storm', 'lightning', 'blue sky', 'overcast sky', 'sunset', 'sunrise',
      'sunlight', 'golden hour', 'night', 'night sky', 'city lights', 'shadows', 'ice', 'puddle',
    ],
  },
  {
    name: 'events and activities',
    tags: [
      'wedding', 'bride', 'birthday party', 'party', 'concert', 'festival', 'parade', 'graduation',
      'christmas decorations', 'christmas tree', 'halloween decorations', 'fireworks', 'vacation', 'picnic',
      'barbecue', 'camping', 'hiking', 'running', 'cycling', 'swimming', 'surfing', 'skiing',
      'snowboarding', 'skateboarding', 'fishing', 'yoga', 'soccer', 'basketball', 'tennis', 'baseball',
      'golf', 'sports', 'people dancing', 'person cooking', 'people eating', 'person reading',
      'business meeting', 'family dinner',
    ],
  },
  {
    name: 'setting and viewpoint',
    tags: [
      'indoor scene', 'outdoor scene', 'aerial view', 'underwater scene', 'view from an airplane window',
      'view from a window', 'street view', 'panorama',
    ],
  },
  {
    name: 'documents and screens',
    tags: [
      'receipt', 'screenshot', 'document', 'whiteboard', 'handwritten note', 'text', 'menu', 'sign',
      'street sign', 'poster', 'invoice', 'ticket', 'boarding pass', 'business card', 'id card', 'passport',
      'map', 'newspaper', 'recipe', 'chart', 'spreadsheet', 'presentation slide', 'computer screen',
      'phone screen', 'qr code', 'meme', 'chalkboard', 'price tag', 'credit card', 'sheet music',
    ],
  },
  {
    name: 'art and styles',
    tags: [
      'painting', 'drawing', 'sketch', 'illustration', 'cartoon', 'graffiti', 'mural', 'sculpture',
      'statue', 'pottery', 'black and white photo', 'vintage photo', 'tattoo', 'logo', 'abstract art',
      'digital art', 'silhouette', 'reflection', 'long exposure photo',
    ],
  },
  {
    name: 'music',
    tags: [
      'guitar', 'piano', 'drum kit', 'violin', 'microphone', 'guitarist',
    ],
  },
];

/** Every default tag, in category order. */
export const DEFAULT_TAGS: readonly string[] = TAG_CATEGORIES.flatMap((c) => c.tags);

/**
 * Prompt templates for tagging, averaged per tag (CLIP's prompt ensembling, CLIP paper §3.1.4).
 * All eight are among the 80 ImageNet templates of openai/CLIP
 * (notebooks/Prompt_Engineering_for_ImageNet.ipynb, used for the paper's ImageNet results): the
 * "the" forms (see the top of this file) of the plain qualities an everyday photo has (good, bad,
 * bright, dark, close-up, cropped; "itap" = "I took a picture"), leaving out the renderings that
 * photo libraries rarely hold (origami, video game, sculpture, tattoo, ...).
 */
export const TAG_TEMPLATES: readonly string[] = [
  'a photo of the {}.',
  'itap of the {}.',
  'a good photo of the {}.',
  'a bad photo of the {}.',
  'a bright photo of the {}.',
  'a dark photo of the {}.',
  'a close-up photo of the {}.',
  'a cropped photo of the {}.',
];

/**
 * Generic captions that describe any photo without naming anything in it: the library scores each
 * tag against their average (a tag scores above 0.5 when it describes the photo better than a
 * caption that says nothing). They echo the templates' wording so that the words shared by every
 * prompt ("photo", "good", "close-up") cancel out and only the tag remains. No "{}": filled with
 * '' they stay themselves.
 */
export const BACKGROUND_PROMPTS: readonly string[] = [
  'a photo.',
  'a picture.',
  'an image.',
  'a photo of something.',
  'a good photo.',
  'a bad photo.',
  'a close-up photo.',
];
