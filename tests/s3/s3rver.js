'use strict';

// Starts s3rver (pinned in package.json) for the Restore tests, with one fix so it lists like S3:
// s3rver 3.7.1 drops common prefixes whose objects sit two or more levels below the listed prefix
// (listing "" with delimiter "/" does not return "backups/" for "backups/b1/velero-backup.json").
// Listings with a delimiter are therefore computed from the full key list under the prefix.
// Usage: node s3rver.js <s3rver arguments>

const FilesystemStore = require('s3rver/lib/stores/filesystem');

const listObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function listObjectsLikeS3(bucket, options) {
  const { delimiter = '', prefix = '', maxKeys = Infinity, startAfter = '' } = options;
  if (!delimiter) {
    return listObjects.call(this, bucket, options);
  }

  const all = await listObjects.call(this, bucket, { prefix, startAfter });
  const commonPrefixes = new Set();
  const objects = [];
  let isTruncated = false;
  for (const object of all.objects) {
    const index = object.key.slice(prefix.length).indexOf(delimiter);
    if (index !== -1) {
      commonPrefixes.add(object.key.slice(0, prefix.length + index + 1));
      continue;
    }

    if (objects.length < maxKeys) {
      objects.push(object);
    } else {
      isTruncated = true;
      break;
    }
  }

  return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated };
};

require('s3rver/bin/s3rver.js');
