'use strict';

/**
 * Words the seeded library is made of. Titles, prompts, descriptions and text bodies are composed from
 * these in SQL, so full-text search finds realistic mixes of common and rare terms; tags are drawn from
 * TAGS with a skew (the first ones are on many assets, the last ones on few).
 */
const SUBJECTS = [
  'lighthouse', 'red fox', 'mountain lake', 'city skyline', 'robot', 'astronaut', 'tabby cat', 'dragon',
  'forest cabin', 'coffee cup', 'running shoe', 'vintage car', 'sailboat', 'desert canyon', 'waterfall',
  'owl', 'bicycle', 'castle', 'sunflower field', 'jellyfish', 'train station', 'bakery storefront',
  'mechanical watch', 'hot air balloon', 'koi pond', 'glass teapot', 'snowy village', 'tiger', 'violin',
  'space station', 'bonsai tree', 'street market', 'cozy library', 'electric guitar', 'sushi platter',
  'rainforest', 'penguin', 'windmill', 'neon diner', 'ceramic vase', 'mountain goat', 'submarine',
  'treehouse', 'chess board', 'orchid', 'skateboard', 'lantern festival', 'polar bear', 'greenhouse',
  'typewriter', 'wedding cake', 'wolf pack', 'harbor', 'cathedral', 'headphones', 'tea ceremony',
  'volcano', 'honeybee', 'rooftop garden', 'samurai',
];

const SETTINGS = [
  'at dawn', 'at sunset', 'in the rain', 'under neon lights', 'in heavy fog', 'on a snowy night',
  'in golden hour light', 'under a starry sky', 'in a thunderstorm', 'on a summer afternoon',
  'in autumn colours', 'by candlelight', 'at the edge of the sea', 'in a misty valley', 'at midnight',
  'in spring bloom', 'on a crowded street', 'in an empty room', 'under cherry blossoms', 'in the desert heat',
];

const STYLES = [
  'watercolor', 'oil painting', 'photorealistic', 'isometric illustration', 'pixel art', 'studio photograph',
  'charcoal sketch', 'low poly render', 'ukiyo-e woodblock print', 'vaporwave poster', 'cinematic still',
  'flat vector art', 'claymation', 'art nouveau', 'double exposure', 'macro photograph', 'line drawing',
  'gouache', 'cyberpunk concept art', 'minimalist poster',
];

const DETAILS = [
  'highly detailed', 'soft focus background', 'dramatic lighting', 'pastel palette', 'wide angle',
  'shallow depth of field', 'muted tones', 'vibrant colours', 'symmetrical composition', 'film grain',
  'volumetric light', 'bokeh', 'high contrast', 'long exposure', 'aerial view', 'close-up', '8k',
  'octane render', 'hand drawn', 'trending on artstation',
];

const TAGS = [
  'landscape', 'portrait', 'product', 'marketing', 'social', 'banner', 'nature', 'urban', 'animals',
  'food', 'fantasy', 'sci-fi', 'vintage', 'minimal', 'abstract', 'architecture', 'travel', 'fashion',
  'tech', 'holiday', 'summer', 'winter', 'autumn', 'spring', 'night', 'sunset', 'ocean', 'mountains',
  'retro', 'neon', 'watercolor', 'sketch', 'logo', 'hero-image', 'thumbnail', 'ad-campaign', 'blog',
  'newsletter', 'instagram', 'linkedin', 'youtube', 'podcast', 'ebook', 'packaging', 'poster', 'editorial',
  'wildlife', 'interior', 'cars', 'music', 'sports', 'kids', 'wellness', 'finance', 'education', 'gaming',
  'wedding', 'real-estate', 'restaurant', 'launch-2026',
];

const TEXT_KINDS = ['Product description', 'Blog intro', 'Tagline ideas', 'Newsletter opener', 'Ad copy', 'Social caption'];

const TEXT_PHRASES = [
  'Crafted for people who care about the details', 'Our most requested release yet',
  'Made to last through every season', 'Designed with sustainability in mind', 'Ready to ship worldwide',
  'A fresh take on a timeless classic', 'Built by a small team of makers', 'Limited edition run',
  'Perfect for weekend adventures', 'Available in six colours', 'Trusted by thousands of customers',
  'Now with faster delivery', 'Inspired by coastal towns', 'Tested in the harshest conditions',
];

module.exports = { SUBJECTS, SETTINGS, STYLES, DETAILS, TAGS, TEXT_KINDS, TEXT_PHRASES };
